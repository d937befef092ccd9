using System.Diagnostics;
using System.Globalization;

namespace OrleansStt.LoadTest;

/// <summary>Samples one process from /proc: utime+stime from <c>stat</c>, VmRSS from <c>status</c>.</summary>
internal sealed class ProcessProbe(int pid)
{
    // USER_HZ: the kernel reports CPU time to userspace in 1/100 s on every mainstream Linux ABI.
    private const double ClockTicksPerSecond = 100;

    private (double CpuSeconds, long Timestamp)? _first;
    private (double CpuSeconds, long Timestamp)? _last;
    private double _maxCores;
    private double _rssSumMb;
    private double _maxRssMb;
    private int _samples;
    private bool _exited;

    public int Pid { get; } = pid;

    public void Sample()
    {
        if (_exited)
        {
            return;
        }

        double cpu, rssMb;
        try
        {
            cpu = ReadCpuSeconds();
            rssMb = ReadRssMb();
        }
        catch (IOException)
        {
            // The process is gone (or never existed): keep what was measured while it ran.
            _exited = true;
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (_last is { } last)
        {
            _maxCores = Math.Max(_maxCores, (cpu - last.CpuSeconds) / Stopwatch.GetElapsedTime(last.Timestamp, now).TotalSeconds);
        }

        _first ??= (cpu, now);
        _last = (cpu, now);
        _rssSumMb += rssMb;
        _maxRssMb = Math.Max(_maxRssMb, rssMb);
        _samples++;
    }

    public ProcessUsage Usage()
    {
        var avgCores = _first is { } first && _last is { } last && last.Timestamp > first.Timestamp
            ? (last.CpuSeconds - first.CpuSeconds) / Stopwatch.GetElapsedTime(first.Timestamp, last.Timestamp).TotalSeconds
            : 0;
        var name = Pid == Environment.ProcessId ? $"{ReadName()} (this load generator)" : ReadName();
        return new ProcessUsage(Pid, name, Math.Round(avgCores, 3), Math.Round(_maxCores, 3),
            Math.Round(_samples == 0 ? 0 : _rssSumMb / _samples, 1), Math.Round(_maxRssMb, 1), _samples, _exited);
    }

    private double ReadCpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        // The command name in field 2 may hold spaces and parentheses; fields are counted after its last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        const int utime = 14 - 3, stime = 15 - 3;
        return (long.Parse(fields[utime], CultureInfo.InvariantCulture) + long.Parse(fields[stime], CultureInfo.InvariantCulture))
            / ClockTicksPerSecond;
    }

    private double ReadRssMb()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        // Kernel threads have no VmRSS line.
        return line is null ? 0 : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    private string ReadName()
    {
        try
        {
            return File.ReadAllText($"/proc/{Pid}/comm").Trim();
        }
        catch (IOException)
        {
            return _samples == 0 ? "(not found)" : "(exited)";
        }
    }
}
