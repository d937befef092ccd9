using System.Diagnostics;
using System.Globalization;

namespace OrleansStt.LoadTest;

/// <summary>
/// One scenario: a fresh <see cref="Topology"/>, the load run against its two edges with the scenario's
/// process removed at --remove-at (through the run's <see cref="KillSwitch"/>), then the sessions'
/// endings and the logs, and the topology torn down.
/// </summary>
internal static class ScenarioRun
{
    // A SIGTERM'd edge drains for up to Stt:Edge:DrainTimeout (10 s) before it exits.
    private static readonly TimeSpan TargetExitWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(90);

    public static async Task<ScenarioResult> RunAsync(ScenarioKind kind, LoadTestOptions options, string repo, string logsRoot)
    {
        var logsDir = Directory.CreateDirectory(Path.Combine(logsRoot, kind.Name)).FullName;
        var clusterId = $"{kind.Name}-{Guid.NewGuid():N}"[..24];
        Console.Error.WriteLine($"== {kind.Name}: starting the topology (cluster {clusterId}), logs in {logsDir}");
        var started = Stopwatch.GetTimestamp();
        Topology topology;
        try
        {
            topology = await Topology.StartAsync(repo, logsDir, clusterId);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"== {kind.Name}: the topology did not come up: {e.Message}");
            return new ScenarioResult(kind, options.Sessions, null, [], logsDir, null, [], e.Message);
        }

        using (topology)
        {
            var target = kind.Target == ScenarioTarget.Edge ? topology.Edges[0] : topology.Silos[0];
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"== {kind.Name}: up in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s: {string.Join(", ", topology.All)}"));
            try
            {
                var rounds = await WarmUp.RunAsync(topology.EdgeUrls, options.FrameBytes, WarmUpTimeout);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"== {kind.Name}: warm ({rounds} round(s) of probe sessions) after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; {kind.Removal} = pid {target.Pid} at {options.KillAtSeconds} s into the load"));
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"== {kind.Name}: the topology never carried a session: {e.Message}");
                return new ScenarioResult(kind, options.Sessions, null, [], logsDir, null, LogExcerpts.Collect(topology.All, [], DateTimeOffset.MinValue), $"warm-up: {e.Message}");
            }

            var run = options with
            {
                Urls = topology.EdgeUrls,
                KillPid = target.Pid,
                KillSignal = kind.Signal,
                Pids = [.. topology.Edges.Concat(topology.Silos).Select(p => p.Pid)],
            };
            var metrics = new RunMetrics();
            var report = await LoadRun.RunAsync(run, metrics);
            var exited = await target.WaitForExitAsync(TargetExitWait);
            var outcomes = metrics.Continuity.Outcomes.OrderBy(o => o.Index).ToList();
            var lostIds = outcomes.Where(o => o.LossReasons(true).Count > 0).Select(o => o.SessionId).OfType<string>().ToList();
            var logLines = LogExcerpts.Collect(topology.All, lostIds, report.StartedAt);
            return new ScenarioResult(kind, options.Sessions, report, outcomes, logsDir, exited, logLines, null);
        }
    }
}
