using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;

namespace OrleansStt.LoadTest;

/// <summary>
/// Every child process still running, killed when this tool exits, however it exits short of SIGKILL
/// (Ctrl+C, SIGTERM, an unhandled exception): a topology must never outlive its run. The pids still
/// running are also kept in <c>pids</c> in their logs directory, so a wrapper script's trap can clean up
/// even after a SIGKILL of this tool, and never signals a pid that has since gone to someone else.
/// </summary>
internal static class ChildRegistry
{
    private static readonly ConcurrentDictionary<ChildProcess, string> Running = new();
    private static readonly Lock PidFileLock = new();
    private static readonly List<PosixSignalRegistration> Signals = [];
    private static int _hooked;

    public static void Add(ChildProcess child, string logsDir)
    {
        Hook();
        Running[child] = logsDir;
        WritePidFile(logsDir);
    }

    public static void Remove(ChildProcess child)
    {
        if (Running.TryRemove(child, out var logsDir))
        {
            WritePidFile(logsDir);
        }
    }

    private static void WritePidFile(string logsDir)
    {
        lock (PidFileLock)
        {
            var pids = Running.Where(c => c.Value == logsDir).Select(c => c.Key.Pid.ToString(CultureInfo.InvariantCulture) + "\n");
            File.WriteAllText(Path.Combine(logsDir, "pids"), string.Concat(pids));
        }
    }

    public static void KillAll()
    {
        foreach (var child in Running.Keys)
        {
            child.Kill();
        }
    }

    private static void Hook()
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
        // The default action (terminating) still follows: only the children are taken along.
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT })
        {
            Signals.Add(PosixSignalRegistration.Create(signal, _ => KillAll()));
        }
    }
}
