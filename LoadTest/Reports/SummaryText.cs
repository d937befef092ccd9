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

        Line($"OrleansStt load test against {s.Url}");
        Line($"  {s.Sessions} sessions, ramp {s.RampSeconds} s, measured {r.WindowSeconds:0.#} s; {s.FrameBytes} B frames at {s.FramesPerSecond:0.##}/s ({s.Audio}), language {s.Language}, translate {Join(s.Translate)}");
        Line($"sessions     {r.SessionsConnected} connected ({r.ConnectedAfterRamp} over 1 s after the ramp); connect failures: {Counts(r.ConnectFailures)}");
        Line($"connect      {Stats(r.ConnectTime)}");
        Line($"latency      {Stats(r.Latency)}");
        Line($"send lag     {Stats(r.SendLag)} (frames behind their real-time schedule; high = generator saturated)");
        Line($"throughput   {r.ResultsPerSecond:0.#} results/s, {r.FramesSentPerSecond:0.#} frames sent/s (in window); {r.ResultsTotal} results, {r.FramesSentTotal} frames in total");
        Line($"errors       {Counts(r.ErrorsByCode)}");
        Line($"notices      {Counts(r.NoticesByCode)}");
        Line($"endings      {Counts(r.CloseStatuses)}");
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

    public static string Join(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(",", items);
}
