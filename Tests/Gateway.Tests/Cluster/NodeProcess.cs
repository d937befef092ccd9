using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Cluster;

/// <summary>
/// The real Silo or EdgeHost binary in a process of its own, so a test can kill it like a crashed
/// container (SIGKILL) or stop it like an orchestrator scaling in (SIGTERM).
/// </summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private NodeProcess(Process process, Uri http)
    {
        _process = process;
        Http = http;
    }

    /// <summary>The node's HTTP address (<c>/healthz</c>; <c>/v1/listen</c> on an edge).</summary>
    public Uri Http { get; }

    public Uri ListenUri => new($"ws://{Http.Host}:{Http.Port}/v1/listen");

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for a failing test's message.</summary>
    public string RecentOutput => string.Join('\n', _output);

    public static NodeProcess StartSilo(IDictionary<string, string?> settings) => Start("Silo", "OrleansStt.Silo.dll", settings);

    public static NodeProcess StartEdge(IDictionary<string, string?> settings) =>
        Start("EdgeHost", "OrleansStt.EdgeHost.dll", GatewayHost.EdgeSettings(settings));

    private static NodeProcess Start(string project, string assembly, IDictionary<string, string?> settings)
    {
        // Tests/Gateway.Tests/bin/<Configuration>/net10.0 → <project>/bin/<Configuration>/net10.0
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var root = testBin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var binary = Path.Combine(root, project, "bin", configuration, "net10.0", assembly);
        Assert.True(File.Exists(binary), $"{binary} is missing; build the solution first.");

        var start = new ProcessStartInfo("dotnet", [binary])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var http = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        start.Environment["ASPNETCORE_URLS"] = http.ToString();
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        var node = new NodeProcess(process, http);
        process.OutputDataReceived += (_, e) => node.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => node.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits until <c>/healthz</c> answers 200.</summary>
    public async Task WaitHealthyAsync(TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri(Http, "/healthz"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{Http} did not become healthy within {within}:\n{RecentOutput}");
    }

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as an orchestrator stops a container; returns once the process has exited.</summary>
    public async Task TerminateAsync(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(deadline.Token);
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
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
