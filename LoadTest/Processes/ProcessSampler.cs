using System.Diagnostics;

namespace OrleansStt.LoadTest;

/// <summary>Samples the given processes (and this one, to show whether the generator itself was the bottleneck) once a second during the measured window.</summary>
internal sealed class ProcessSampler(IReadOnlyList<int> pids)
{
    public async Task<IReadOnlyList<ProcessUsage>> RunAsync(MeasureWindow window, CancellationToken cancellationToken)
    {
        var probes = pids.Append(Environment.ProcessId).Distinct().Select(pid => new ProcessProbe(pid)).ToList();
        try
        {
            var untilStart = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), window.Start);
            if (untilStart > TimeSpan.Zero)
            {
                await Task.Delay(untilStart, cancellationToken);
            }

            probes.ForEach(p => p.Sample());
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (Stopwatch.GetTimestamp() < window.End && await timer.WaitForNextTickAsync(cancellationToken))
            {
                probes.ForEach(p => p.Sample());
            }
        }
        catch (OperationCanceledException)
        {
            // Deadline: report what was sampled.
        }

        return probes.Select(p => p.Usage()).ToList();
    }
}
