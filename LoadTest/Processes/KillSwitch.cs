using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace OrleansStt.LoadTest;

/// <summary>
/// Kills one process (SIGKILL: no drain, no goodbye, as a GPU server that dies) at a set time into the
/// run, so a failover demo needs no second terminal and its report says exactly when the kill landed.
/// </summary>
internal sealed class KillSwitch(int pid, TimeSpan at)
{
    public async Task<KillReport> RunAsync(long origin, CancellationToken stop)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), origin + MeasureWindow.Ticks(at));
        try
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, stop);
            }
        }
        catch (OperationCanceledException)
        {
            return Failed(null, "the run ended before the kill time");
        }

        string? name = null;
        try
        {
            using var process = Process.GetProcessById(pid);
            name = process.ProcessName;
            process.Kill();
            var (elapsed, now) = (Stopwatch.GetElapsedTime(origin).TotalSeconds, DateTimeOffset.UtcNow);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{elapsed,5:0.0}s kill   ] {now:yyyy-MM-ddTHH:mm:ss.fffZ} SIGKILL sent to pid {pid} ({name})"));
            return new KillReport(pid, name, at.TotalSeconds, Math.Round(elapsed, 3), now, null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return Failed(name, e.Message);
        }
    }

    private KillReport Failed(string? name, string error)
    {
        Console.Error.WriteLine($"kill of pid {pid} failed: {error}");
        return new KillReport(pid, name, at.TotalSeconds, null, null, error);
    }
}
