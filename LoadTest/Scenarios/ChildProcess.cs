using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace OrleansStt.LoadTest;

/// <summary>
/// One process of a scenario's topology, its stdout and stderr in a log file. Started through
/// <c>sh -c 'exec …'</c> so the file redirection costs this process nothing and the pid is the real
/// program's (the shell is replaced), which a scenario must signal rather than a wrapper.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(string name, Process process, string logPath)
    {
        (Name, _process, LogPath) = (name, process, logPath);
    }

    /// <summary>"edge-0", "silo-1", "redis": the log file's name too.</summary>
    public string Name { get; }

    public int Pid => _process.Id;

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <param name="environment">Added to this process's environment, minus the gateway's own settings (Orleans__*, Stt__*).</param>
    public static ChildProcess Start(string name, string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logsDir)
    {
        var logPath = Path.Combine(logsDir, $"{name}.log");
        var command = $"exec {string.Join(' ', arguments.Prepend(program).Select(Quote))} >{Quote(logPath)} 2>&1 </dev/null";
        var start = new ProcessStartInfo("/bin/sh", ["-c", command]) { UseShellExecute = false };
        // Settings from the caller's shell would leak into every process and break the topology's own.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Orleans__", StringComparison.Ordinal) || k.StartsWith("Stt__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name}: {program} did not start");
        var child = new ChildProcess(name, process, logPath);
        ChildRegistry.Add(child, logsDir);
        return child;
    }

    /// <summary>SIGKILL, if it still runs; teardown and the registry's last resort.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // Exited meanwhile.
        }
    }

    /// <summary>Waits (bounded) for the process to be gone, after a kill or a graceful stop.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The log's last lines, for a process that failed to come up.</summary>
    public string Tail(int lines = 15)
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogPath).TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} (pid {Pid})");

    public void Dispose()
    {
        Kill();
        ChildRegistry.Remove(this);
        _process.Dispose();
    }

    private static string Quote(string text) => $"'{text.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
