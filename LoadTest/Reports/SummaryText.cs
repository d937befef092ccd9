using System.Globalization;
using System.Text;

namespace OrleansStt.LoadTest;

/// <summary>The final summary printed on stdout.</summary>
internal static class SummaryText
{
    public static string Format(LoadReport r)
    {
        var s = r.Settings;
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"OrleansStt load test against {s.Url}, speaking the {s.Protocol} protocol");
        Line($"  {s.Sessions} sessions, ramp {s.RampSeconds} s, settle {s.SettleSeconds} s, measured {r.WindowSeconds:0.#} s; {s.FrameBytes} B frames at {s.FramesPerSecond:0.##}/s ({s.Audio}), language {s.Language}, translate {Join(s.Translate)}");
        Line($"sessions     {r.SessionsConnected} connected ({r.ConnectedAfterRamp} over 1 s after the ramp); connect failures: {Counts(r.ConnectFailures)}");
        Line($"connect      {Stats(r.ConnectTime)}");
        if (r.RefusalTime.Count > 0)
        {
            Line($"refused      {Stats(r.RefusalTime)} (503 capacity_exhausted: time to the refusal)");
        }

        Line($"latency      {Stats(r.Latency)}");
        Line($"send lag     {Stats(r.SendLag)} (frames behind their real-time schedule; high = generator saturated)");
        Line($"throughput   {r.ResultsPerSecond:0.#} results/s, {r.FramesSentPerSecond:0.#} frames sent/s (in window); {r.ResultsTotal} results, {r.FramesSentTotal} frames in total");
        Line($"errors       {Counts(r.ErrorsByCode)}");
        Line($"notices      {Counts(r.NoticesByCode)}");
        Line($"endings      {Counts(r.CloseStatuses)}");
        Line($"backends     started on: {Counts(r.SessionsStartedOnBackend)}; ended on: {EndedOn(r)}");
        var sw = r.Switches;
        Line($"switches     {sw.SessionsSwitched} sessions switched backend, {sw.Switches} switches ({sw.SwitchesWithoutLaterResult} with no result after them)");
        Line($"switch gap   {Stats(sw.Gap)} (last result before backend_switched → first after)");
        Line($"result gap   {Stats(sw.ResultGap)} (between results with no switch, for reference)");
        Line($"finals       {FinalsLine(r.Finals)}");
        foreach (var example in r.Finals?.Examples ?? [])
        {
            Line($"  mismatch   {example}");
        }

        Line($"timeline     {r.TimelineRegressions} finals going back (start_ms below the previous final's end_ms, or end_ms going backwards)");
        if (r.Kill is { } kill)
        {
            Line($"kill         {KillLine(kill)}");
        }

        Line($"integrity    {r.ClosedWithoutClosed} without closed ({r.CloseTimeouts} timed out, {r.BrokenSessions} broken), {r.SeqGaps} seq gaps, {r.ProtocolErrors} protocol violations, {r.UnmatchedResults} unmatched results, {r.SendFailures} failed sends");
        if (r.UnexpectedFailures.Count > 0)
        {
            Line($"unexpected   {Counts(r.UnexpectedFailures)}");
        }

        foreach (var p in r.Processes)
        {
            Line($"process      {p.Pid} {p.Name}: {p.AvgCores:0.00} cores avg, {p.MaxCores:0.00} max; RSS {p.AvgRssMb:0} MB avg, {p.MaxRssMb:0} MB max ({p.Samples} samples{(p.Exited ? ", exited" : "")})");
        }

        Line($"result       {(r.Problems.Count == 0 ? "PASS" : "FAIL: " + string.Join("; ", r.Problems))}");
        return text.ToString();
    }

    public static string Stats(LatencyStats l) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {l.P50:0.0} ms, p90 {l.P90:0.0} ms, p99 {l.P99:0.0} ms, max {l.Max:0.0} ms, mean {l.Mean:0.0} ms over {l.Count}");

    public static string Counts(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(c => $"{c.Key} × {c.Value}"));

    public static string EndedOn(LoadReport r) =>
        r.SessionsEndedOnBackend is { } ended ? Counts(ended) : "unknown (backend_switched notices name no backend)";

    public static string FinalsLine(FinalsReport? f) => f is null
        ? "not checked (--no-finals-check)"
        : $"expected {f.Expected}, received {f.Received}, missing {f.Missing}, unexpected {f.Unexpected} ({f.SessionsWithMismatch} of {f.SessionsChecked} sessions mismatched)";

    public static string KillLine(KillReport k) => k.Error is null
        ? string.Create(CultureInfo.InvariantCulture,
            $"{k.Signal} to pid {k.Pid} ({k.Name}) at {k.AtSeconds:0.000} s into the run (asked for {k.PlannedAtSeconds} s), {k.At:yyyy-MM-ddTHH:mm:ss.fffZ}")
        : string.Create(CultureInfo.InvariantCulture, $"pid {k.Pid} ({k.Name ?? "?"}) not killed at {k.PlannedAtSeconds} s: {k.Error}");

    public static string Join(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(",", items);
}
