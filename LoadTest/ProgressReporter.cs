using System.Diagnostics;
using System.Globalization;

namespace OrleansStt.LoadTest;

/// <summary>One status line a second on stderr, with rates and latency of the last second.</summary>
internal sealed class ProgressReporter(RunMetrics metrics, MeasureWindow window, long origin, int sessions)
{
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var (lastTime, lastFrames, lastResults) = (Stopwatch.GetTimestamp(), 0L, 0L);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = Stopwatch.GetTimestamp();
                var seconds = Stopwatch.GetElapsedTime(lastTime, now).TotalSeconds;
                var (frames, results) = (metrics.FramesSent, metrics.Results);
                var recent = metrics.RecentLatency.TakeAndReset();
                var phase = now < window.RampEnd ? "ramp" : now < window.Start ? "settle" : window.Contains(now) ? "measure" : "closing";
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{Stopwatch.GetElapsedTime(origin, now).TotalSeconds,5:0}s {phase,-7}] open {metrics.Open}/{sessions}, " +
                    $"connect failed {metrics.ConnectFailureCount} | frames/s {(frames - lastFrames) / seconds:0} | " +
                    $"results/s {(results - lastResults) / seconds:0} | latency p50 {recent.PercentileMs(50):0.0} " +
                    $"p99 {recent.PercentileMs(99):0.0} max {recent.MaxMs:0.0} ms | errors {metrics.ErrorCount} | seq gaps {metrics.SeqGaps} | switches {metrics.Continuity.Switches}"));
                (lastTime, lastFrames, lastResults) = (now, frames, results);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
