namespace OrleansStt.LoadTest;

/// <summary>What one scenario saw: the load run's report, each session's ending, and what the processes logged.</summary>
/// <param name="Report">Null when the topology did not come up (<paramref name="Error"/> says why).</param>
/// <param name="TargetExited">Whether the removed process was gone within the wait after the run (a SIGTERM'd one should stop by itself).</param>
/// <param name="LogLines">Warnings, failures and lines naming lost sessions, per process log.</param>
internal sealed record ScenarioResult(
    ScenarioKind Kind,
    int SessionsPlanned,
    LoadReport? Report,
    IReadOnlyList<SessionOutcome> Outcomes,
    string LogsDir,
    bool? TargetExited,
    IReadOnlyList<string> LogLines,
    string? Error)
{
    /// <summary>A session that left no outcome at all (the run was cut short before it started).</summary>
    public const string NoOutcome = "never started";

    /// <summary>Every scenario runs echo backends: a final must end at the audio sent.</summary>
    private const bool EchoBackends = true;

    public IReadOnlyList<SessionOutcome> Lost => [.. Outcomes.Where(o => o.LossReasons(EchoBackends).Count > 0)];

    public int EndedNormally => Outcomes.Count - Lost.Count;

    public int LostCount => Lost.Count + Missing;

    public bool Passed => Error is null && LostCount == 0;

    /// <summary>Each loss reason with the number of sessions it applies to (a session may have several).</summary>
    public IReadOnlyDictionary<string, long> LossReasons
    {
        get
        {
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var reason in Outcomes.SelectMany(o => o.LossReasons(EchoBackends)).Concat(Enumerable.Repeat(NoOutcome, Missing)))
            {
                counts[reason] = counts.GetValueOrDefault(reason) + 1;
            }

            return counts;
        }
    }

    public int Resumes => Outcomes.Sum(o => o.Resumes);

    public int Switches => Outcomes.Sum(o => o.Switches);

    public int Drainings => Outcomes.Sum(o => o.Drainings);

    public int Affected => Outcomes.Count(o => o.Affected);

    /// <summary>Longest silence after the removal, over the sessions it affected (resumed, drained or switched).</summary>
    public LatencyStats AffectedSilence => Silence(Outcomes.Where(o => o.Affected));

    /// <summary>The same over every session: a removal may leave clients waiting without any notice.</summary>
    public LatencyStats AnySilence => Silence(Outcomes);

    private int Missing => Math.Max(0, SessionsPlanned - Outcomes.Count);

    private static LatencyStats Silence(IEnumerable<SessionOutcome> outcomes)
    {
        var histogram = new LatencyHistogram();
        foreach (var silence in outcomes.Select(o => o.SilenceAfterRemoval).OfType<TimeSpan>())
        {
            histogram.Record(silence);
        }

        return histogram.Snapshot().ToStats();
    }
}
