using System.Globalization;
using System.Text;

namespace OrleansStt.LoadTest;

/// <summary>
/// The scenarios' Markdown: one table row per scenario, then per scenario its lost sessions, the log
/// lines that matter and the load run's own report (<see cref="MarkdownReport"/>).
/// </summary>
internal static class ScenarioReport
{
    private const int MaxLostListed = 10;

    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var md = new StringBuilder();
        void Line(FormattableString line) => md.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"| scenario | removal | sessions | ended normally | lost | loss reasons (sessions) | resumes | backend_switched | draining | affected | silence after removal, affected: p50 / p99 / max (ms) | longest silence, any session (ms) |");
        Line($"|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|---:|");
        foreach (var r in results)
        {
            if (r.Error is not null)
            {
                Line($"| {r.Kind.Name} | {r.Kind.Removal} | {r.SessionsPlanned} | — | — | not run: {(r.Error.StartsWith("warm-up", StringComparison.Ordinal) ? "the topology carried no session" : "the topology did not come up")} | — | — | — | — | — | — |");
                continue;
            }

            var affected = r.AffectedSilence;
            var silence = affected.Count == 0 ? "—" : $"{affected.P50:0} / {affected.P99:0} / {affected.Max:0}";
            Line($"| {r.Kind.Name} | {Removal(r)} | {r.SessionsPlanned} | {r.EndedNormally} | {r.LostCount} | {Reasons(r)} | {r.Resumes} | {r.Switches} | {r.Drainings} | {r.Affected} | {silence} | {r.AnySilence.Max:0} |");
        }

        return md.ToString();
    }

    public static string Format(IReadOnlyList<ScenarioResult> results, LoadTestOptions options, string logsRoot)
    {
        var md = new StringBuilder();
        void Line(FormattableString line) => md.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"# Resilience scenarios {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        Line($"");
        Line($"{(results.All(r => r.Passed) ? "**PASS**" : "**FAIL**")}: {options.Sessions} sessions per scenario over 2 edges (session i on edge i mod 2, the other edge to resume on), {options.FrameBytes} B frames at {options.FramesPerSecond:0.##}/s to 3 echo simulators through 2 silos; ramp {options.RampSeconds} s, streaming until {options.RampSeconds + options.DurationSeconds} s, one process removed at {options.KillAtSeconds} s. Logs: `{logsRoot}`.");
        Line($"");
        Line($"A session ended normally when it got `closed`, no `error`, gapless `seq`, and a last final whose `end_ms` equals the audio it sent (no frame lost or doubled). Affected: sessions that saw a `resumed`, `draining` or `backend_switched` notice. Silence: per session, the longest wait between consecutive results where the later one arrived after the removal.");
        Line($"");
        md.Append(Table(results));
        foreach (var r in results)
        {
            Line($"");
            Line($"## {r.Kind.Name}: {r.Kind.Removal}");
            Line($"");
            if (r.Error is { } error)
            {
                Line($"Not run:");
                Line($"");
                Line($"```");
                Line($"{error}");
                foreach (var line in r.LogLines)
                {
                    Line($"{line}");
                }

                Line($"```");
                continue;
            }

            Line($"Logs: `{r.LogsDir}`. {(r.TargetExited == true ? "The removed process exited." : "The removed process had **not** exited 15 s after the run.")}");
            var lost = r.Lost;
            if (lost.Count > 0)
            {
                Line($"");
                Line($"Lost sessions (first {Math.Min(lost.Count, MaxLostListed)} of {lost.Count}):");
                Line($"");
                foreach (var o in lost.Take(MaxLostListed))
                {
                    Line($"- {string.Join(", ", o.LossReasons(true))}: {o.Describe()}");
                }
            }

            if (r.LogLines.Count > 0)
            {
                Line($"");
                Line($"From the process logs, since the load started: {(lost.Count > 0 ? "entries naming lost sessions, then " : "")}warnings and failures:");
                Line($"");
                Line($"```");
                foreach (var line in r.LogLines)
                {
                    Line($"{line}");
                }

                Line($"```");
            }

            if (r.Report is { } report)
            {
                Line($"");
                // The load run's own report, its headings moved under this scenario's.
                md.Append(MarkdownReport.Format(report).Replace("# Load test", "### Load run", StringComparison.Ordinal));
            }
        }

        return md.ToString();
    }

    private static string Removal(ScenarioResult r) => r.Report?.Kill is { AtSeconds: { } at }
        ? string.Create(CultureInfo.InvariantCulture, $"{r.Kind.Removal} at {at:0.00} s")
        : $"{r.Kind.Removal} **failed**: {r.Report?.Kill?.Error ?? "not attempted"}";

    private static string Reasons(ScenarioResult r) =>
        r.LossReasons.Count == 0 ? "—" : string.Join(", ", r.LossReasons.Select(c => $"{c.Key} ({c.Value})"));
}
