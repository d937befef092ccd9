using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace OrleansStt.LoadTest;

/// <summary>
/// Removes one process at a set time into the run, so a failover demo needs no second terminal and its
/// report says exactly when the signal landed: SIGKILL (as a GPU server or host that dies) or SIGTERM
/// (a graceful stop, as in a rolling update).
/// </summary>
/// <param name="removed">Called with the timestamp the signal was sent at, so sessions can measure what followed.</param>
internal sealed class KillSwitch(int pid, TimeSpan at, KillSignal signal, Action<long> removed)
{
    private string SignalName => signal == KillSignal.Kill ? "SIGKILL" : "SIGTERM";

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
            var sentAt = Stopwatch.GetTimestamp();
            if (signal == KillSignal.Kill)
            {
                process.Kill();
            }
            else
            {
                await TerminateAsync();
            }

            removed(sentAt);
            var (elapsed, now) = (Stopwatch.GetElapsedTime(origin, sentAt).TotalSeconds, DateTimeOffset.UtcNow);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{elapsed,5:0.0}s kill   ] {now:yyyy-MM-ddTHH:mm:ss.fffZ} {SignalName} sent to pid {pid} ({name})"));
            return new KillReport(pid, name, SignalName, at.TotalSeconds, Math.Round(elapsed, 3), now, null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException or OperationCanceledException)
        {
            return Failed(name, e.Message);
        }
    }

    /// <summary>.NET sends no SIGTERM to another process; kill(1) does, to this very pid.</summary>
    private async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill(1) did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await kill.WaitForExitAsync(timeout.Token);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {pid} exited with {kill.ExitCode}");
        }
    }

    private KillReport Failed(string? name, string error)
    {
        Console.Error.WriteLine($"{SignalName} to pid {pid} failed: {error}");
        return new KillReport(pid, name, SignalName, at.TotalSeconds, null, null, error);
    }
}
