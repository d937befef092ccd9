namespace OrleansStt.LoadTest;

/// <summary>
/// Everything a run measured. Latency, results/s and frames/s cover the measured window only;
/// the failure counts cover the whole run. Latencies are in milliseconds.
/// </summary>
/// <param name="SessionsEndedOnBackend">Null unless every backend_switched notice named its new backend.</param>
/// <param name="Finals">Null with --no-finals-check.</param>
internal sealed record LoadReport(
    LoadReportSettings Settings,
    DateTimeOffset StartedAt,
    double WindowSeconds,
    bool GlobalDeadlineHit,
    long SessionsConnected,
    long ConnectedAfterRamp,
    IReadOnlyDictionary<string, long> ConnectFailures,
    LatencyStats ConnectTime,
    LatencyStats RefusalTime,
    LatencyStats Latency,
    LatencyStats SendLag,
    double ResultsPerSecond,
    double FramesSentPerSecond,
    long ResultsTotal,
    long FramesSentTotal,
    long UnmatchedResults,
    IReadOnlyDictionary<string, long> ErrorsByCode,
    IReadOnlyDictionary<string, long> NoticesByCode,
    IReadOnlyDictionary<string, long> CloseStatuses,
    long ClosedWithoutClosed,
    long CloseTimeouts,
    long BrokenSessions,
    long ProtocolErrors,
    long SendFailures,
    long SeqGaps,
    IReadOnlyDictionary<string, long> SessionsStartedOnBackend,
    IReadOnlyDictionary<string, long>? SessionsEndedOnBackend,
    SwitchReport Switches,
    FinalsReport? Finals,
    long TimelineRegressions,
    KillReport? Kill,
    IReadOnlyDictionary<string, long> UnexpectedFailures,
    IReadOnlyList<ProcessUsage> Processes,
    IReadOnlyList<string> Problems)
{
    public static LoadReport From(LoadTestOptions options, RunMetrics m, MeasureWindow window, DateTimeOffset startedAt, bool deadlineHit,
        IReadOnlyList<ProcessUsage> processes, KillReport? kill)
    {
        var c = m.Continuity;
        var seconds = window.Length.TotalSeconds;
        var latency = m.WindowLatency.Snapshot().ToStats();
        var report = new LoadReport(
            LoadReportSettings.From(options), startedAt, seconds, deadlineHit, m.Connected, m.LateConnects,
            Sorted(m.ConnectFailures), m.ConnectTime.Snapshot().ToStats(), m.RefusalTime.Snapshot().ToStats(), latency, m.SendLag.Snapshot().ToStats(), latency.Count / seconds,
            m.FramesSentInWindow / seconds, m.Results, m.FramesSent, m.UnmatchedResults, Sorted(m.ErrorsByCode),
            Sorted(m.NoticesByCode), Sorted(m.CloseStatuses), m.ClosedWithoutClosed, m.CloseTimeouts, m.BrokenSessions,
            m.ProtocolErrors, m.SendFailures, m.SeqGaps, Sorted(c.StartedOnBackend), c.EndedOnUnknown > 0 ? null : Sorted(c.EndedOnBackend),
            SwitchReport.From(c), options.CheckFinals ? FinalsReport.From(c) : null, c.TimelineRegressions, kill,
            Sorted(m.UnexpectedFailures), processes, []);
        return report with { Problems = report.FindProblems(options.AcceptRefusals).ToList() };
    }

    /// <summary>What makes the run a failure (exit code 1); notices, backend_switched included, are informational and not among them.</summary>
    private IEnumerable<string> FindProblems(bool acceptRefusals)
    {
        if (RefusalTime.Count > 0 && !acceptRefusals)
        {
            yield return $"{RefusalTime.Count} sessions were refused (503 capacity_exhausted: the edge was overloaded); --accept-refusals when that is the point";
        }

        if (GlobalDeadlineHit)
        {
            yield return "the global deadline cut the run short";
        }

        if (ConnectFailures.Count > 0)
        {
            yield return $"{ConnectFailures.Values.Sum()} sessions failed to connect";
        }

        if (ConnectedAfterRamp > 0)
        {
            yield return $"{ConnectedAfterRamp} sessions connected over 1 s after the ramp, so the window was not at full load";
        }

        if (ErrorsByCode.Count > 0)
        {
            yield return $"{ErrorsByCode.Values.Sum()} error messages";
        }

        if (ClosedWithoutClosed > 0)
        {
            yield return $"{ClosedWithoutClosed} sessions ended without a closed message";
        }

        if (SeqGaps > 0)
        {
            yield return $"{SeqGaps} seq gaps";
        }

        if (Finals is { Missing: > 0 } missing)
        {
            yield return $"{missing.Missing} finals missing";
        }

        if (Finals is { Unexpected: > 0 } unexpected)
        {
            yield return $"{unexpected.Unexpected} unexpected finals";
        }

        if (TimelineRegressions > 0)
        {
            yield return $"{TimelineRegressions} finals went back on the audio timeline";
        }

        if (Kill is { Error: { } killError })
        {
            yield return $"--kill-pid {Kill.Pid} was not killed: {killError}";
        }

        if (ProtocolErrors > 0)
        {
            yield return $"{ProtocolErrors} protocol violations";
        }

        if (UnmatchedResults > 0)
        {
            yield return $"{UnmatchedResults} results with end_ms beyond the audio sent";
        }

        if (UnexpectedFailures.Count > 0)
        {
            yield return $"{UnexpectedFailures.Values.Sum()} unexpected failures";
        }

        if (Latency.Count == 0)
        {
            yield return "no results in the measured window";
        }
    }

    private static SortedDictionary<string, long> Sorted(IEnumerable<KeyValuePair<string, long>> counts) => new(counts.ToDictionary(), StringComparer.Ordinal);
}
