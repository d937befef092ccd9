using System.Globalization;
using System.Text;

namespace OrleansStt.LoadTest;

internal static class MarkdownReport
{
    public static string Format(LoadReport r)
    {
        var s = r.Settings;
        var md = new StringBuilder();
        void Line(FormattableString line) => md.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"# Load test {r.StartedAt:yyyy-MM-dd HH:mm:ss} UTC");
        Line($"");
        Line($"{(r.Problems.Count == 0 ? "**PASS**" : "**FAIL**: " + string.Join("; ", r.Problems))}");
        Line($"");
        Line($"| setting | value |");
        Line($"|---|---|");
        Line($"| url | `{s.Url}` |");
        Line($"| protocol | {s.Protocol} |");
        Line($"| sessions | {s.Sessions} |");
        Line($"| ramp / settle / measured window | {s.RampSeconds} s / {s.SettleSeconds} s / {r.WindowSeconds:0.#} s |");
        Line($"| frames | {s.FrameBytes} B at {s.FramesPerSecond:0.##}/s, {s.Audio} |");
        Line($"| language / translate | {s.Language} / {SummaryText.Join(s.Translate)} |");
        Line($"");
        Line($"| latency (ms) | count | p50 | p90 | p99 | max | mean |");
        Line($"|---|---:|---:|---:|---:|---:|---:|");
        Line($"| result (end_ms → arrival) | {Row(r.Latency)} |");
        Line($"| connect (upgrade) | {Row(r.ConnectTime)} |");
        Line($"| refused (503 capacity_exhausted) | {Row(r.RefusalTime)} |");
        Line($"| send lag (frame behind schedule) | {Row(r.SendLag)} |");
        Line($"| switch gap (last result before backend_switched → first after) | {Row(r.Switches.Gap)} |");
        Line($"| result gap, no switch (reference) | {Row(r.Switches.ResultGap)} |");
        Line($"");
        Line($"| measure | value |");
        Line($"|---|---|");
        Line($"| results/s (window) | {r.ResultsPerSecond:0.#} |");
        Line($"| frames sent/s (window) | {r.FramesSentPerSecond:0.#} |");
        Line($"| sessions connected | {r.SessionsConnected} ({r.ConnectedAfterRamp} over 1 s after the ramp) |");
        Line($"| connect failures | {SummaryText.Counts(r.ConnectFailures)} |");
        Line($"| errors | {SummaryText.Counts(r.ErrorsByCode)} |");
        Line($"| notices | {SummaryText.Counts(r.NoticesByCode)} |");
        Line($"| sessions per backend, started on | {SummaryText.Counts(r.SessionsStartedOnBackend)} |");
        Line($"| sessions per backend, ended on | {SummaryText.EndedOn(r)} |");
        Line($"| sessions that switched backend / switches | {r.Switches.SessionsSwitched} / {r.Switches.Switches} ({r.Switches.SwitchesWithoutLaterResult} with no result after them) |");
        Line($"| finals | {SummaryText.FinalsLine(r.Finals)} |");
        Line($"| timeline regressions (finals) | {r.TimelineRegressions} |");
        if (r.Kill is { } kill)
        {
            Line($"| kill | {SummaryText.KillLine(kill)} |");
        }

        Line($"| session endings | {SummaryText.Counts(r.CloseStatuses)} |");
        Line($"| ended without `closed` | {r.ClosedWithoutClosed} ({r.CloseTimeouts} timed out, {r.BrokenSessions} broken) |");
        Line($"| seq gaps | {r.SeqGaps} |");
        Line($"| protocol violations | {r.ProtocolErrors} |");
        Line($"| unmatched results | {r.UnmatchedResults} |");
        Line($"| failed sends | {r.SendFailures} |");
        Line($"| unexpected failures | {SummaryText.Counts(r.UnexpectedFailures)} |");
        if (r.Finals is { Examples.Count: > 0 } finals)
        {
            Line($"");
            Line($"Sessions whose finals did not match (first {finals.Examples.Count} of {finals.SessionsWithMismatch}):");
            Line($"");
            foreach (var example in finals.Examples)
            {
                Line($"- {example}");
            }
        }

        if (r.Processes.Count > 0)
        {
            Line($"");
            Line($"| process | cores avg | cores max | RSS avg (MB) | RSS max (MB) |");
            Line($"|---|---:|---:|---:|---:|");
            foreach (var p in r.Processes)
            {
                Line($"| {p.Pid} {p.Name}{(p.Exited ? " (exited)" : "")} | {p.AvgCores:0.00} | {p.MaxCores:0.00} | {p.AvgRssMb:0} | {p.MaxRssMb:0} |");
            }
        }

        return md.ToString();
    }

    private static string Row(LatencyStats l) =>
        string.Create(CultureInfo.InvariantCulture, $"{l.Count} | {l.P50:0.0} | {l.P90:0.0} | {l.P99:0.0} | {l.Max:0.0} | {l.Mean:0.0}");
}
