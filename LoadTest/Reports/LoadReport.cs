namespace OrleansStt.LoadTest;

/// <summary>
/// Everything a run measured. Latency, results/s and frames/s cover the measured window only;
/// the failure counts cover the whole run. Latencies are in milliseconds.
/// </summary>
internal sealed record LoadReport(
    LoadReportSettings Settings,
    DateTimeOffset StartedAt,
    double WindowSeconds,
    bool GlobalDeadlineHit,
    long SessionsConnected,
    long ConnectedAfterRamp,
    IReadOnlyDictionary<string, long> ConnectFailures,
    LatencyStats ConnectTime,
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
    IReadOnlyDictionary<string, long> UnexpectedFailures,
    IReadOnlyList<ProcessUsage> Processes,
    IReadOnlyList<string> Problems)
{
    public static LoadReport From(LoadTestOptions options, RunMetrics m, MeasureWindow window, DateTimeOffset startedAt, bool deadlineHit,
        IReadOnlyList<ProcessUsage> processes)
    {
        var seconds = window.Length.TotalSeconds;
        var latency = m.WindowLatency.Snapshot().ToStats();
        var report = new LoadReport(
            LoadReportSettings.From(options), startedAt, seconds, deadlineHit, m.Connected, m.LateConnects,
            Sorted(m.ConnectFailures), m.ConnectTime.Snapshot().ToStats(), latency, m.SendLag.Snapshot().ToStats(), latency.Count / seconds,
            m.FramesSentInWindow / seconds, m.Results, m.FramesSent, m.UnmatchedResults, Sorted(m.ErrorsByCode),
            Sorted(m.NoticesByCode), Sorted(m.CloseStatuses), m.ClosedWithoutClosed, m.CloseTimeouts, m.BrokenSessions,
            m.ProtocolErrors, m.SendFailures, m.SeqGaps, Sorted(m.UnexpectedFailures), processes, []);
        return report with { Problems = report.FindProblems().ToList() };
    }

    /// <summary>What makes the run a failure (exit code 1); notices, being informational, are not among them.</summary>
    private IEnumerable<string> FindProblems()
    {
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
