using System.Diagnostics;

namespace OrleansStt.Gateway.Tests.Cluster;

/// <summary>The real Silo binary in a process of its own, so a test can kill it like a crashed container.</summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process) => _process = process;

    public static SiloProcess Start(IDictionary<string, string?> settings)
    {
        // Tests/Gateway.Tests/bin/<Configuration>/net10.0 → Silo/bin/<Configuration>/net10.0
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var root = testBin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var silo = Path.Combine(root, "Silo", "bin", configuration, "net10.0", "OrleansStt.Silo.dll");
        Assert.True(File.Exists(silo), $"{silo} is missing; build the solution first.");

        var start = new ProcessStartInfo("dotnet", [silo])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(process);
    }

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
