namespace OrleansStt.LoadTest;

/// <summary>
/// backend_switched notices and what clients saw of them. <see cref="Gap"/> has one entry per notice
/// followed by a result: first result after it − last result before it (the notice itself when the
/// session had no result yet). <see cref="ResultGap"/> is the same between results with no switch, the
/// gap a client sees anyway (with the speech pattern, up to ~300 ms of silence before a final).
/// </summary>
internal sealed record SwitchReport(long SessionsSwitched, long Switches, LatencyStats Gap, long SwitchesWithoutLaterResult, LatencyStats ResultGap)
{
    public static SwitchReport From(ContinuityMetrics c) =>
        new(c.SessionsSwitched, c.Switches, c.SwitchGap.Snapshot().ToStats(), c.SwitchesWithoutLaterResult, c.ResultGap.Snapshot().ToStats());
}
