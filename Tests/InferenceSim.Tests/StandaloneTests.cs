using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace OrleansStt.InferenceSim.Tests;

/// <summary>The standalone application: configuration binding, and the real process's exit codes.</summary>
public sealed partial class StandaloneTests
{
    [Fact]
    public async Task Start_faults_bind_from_the_Simulator_Faults_section()
    {
        await using var app = SimulatorApplication.Create(
            ["--urls", "http://127.0.0.1:0", "--Simulator:AdminApi=true", "--Simulator:Faults:Stall=true", "--Simulator:Faults:SlowMs=250", "--Simulator:Faults:Capacity=2"]);
        await app.StartAsync().WaitAsync(SimClient.Timeout);
        using var http = new SimHttp(new Uri(app.Urls.First().TrimEnd('/') + "/"));

        Assert.Equal(
            (HttpStatusCode.OK, """{"refuse_connections":false,"stall":true,"slow_ms":250,"sick":false,"draining":false,"capacity":2}"""),
            await http.GetAsync("admin/faults"));
        Assert.Equal((HttpStatusCode.OK, """{"status":"ok","active_streams":0,"capacity":2,"encodings":["pcm_s16le"]}"""), await http.GetAsync("health"));

        await app.StopAsync().WaitAsync(SimClient.Timeout);
    }

    [Fact]
    public async Task Language_lists_bind_from_the_Simulator_section()
    {
        await using var app = SimulatorApplication.Create(
            ["--urls", "http://127.0.0.1:0", "--Simulator:Languages:0=en", "--Simulator:Languages:1=pt-BR", "--Simulator:TranslationLanguages:0=ja"]);
        await app.StartAsync().WaitAsync(SimClient.Timeout);
        using var http = new SimHttp(new Uri(app.Urls.First().TrimEnd('/') + "/"));

        Assert.Equal(
            (HttpStatusCode.OK, """{"status":"ok","active_streams":0,"capacity":16,"encodings":["pcm_s16le"],"languages":["en","pt-BR"],"translation_languages":["ja"]}"""),
            await http.GetAsync("health"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("admin/faults")).Status);

        await app.StopAsync().WaitAsync(SimClient.Timeout);
    }

    [Fact]
    public async Task Die_ends_RunAsync()
    {
        await using var app = SimulatorApplication.Create(["--urls", "http://127.0.0.1:0", "--Simulator:AdminApi=true"]);
        var running = app.RunAsync();
        await Eventually.TrueAsync(() => app.Lifetime.ApplicationStarted.IsCancellationRequested, "the application has started");
        using var http = new SimHttp(new Uri(app.Urls.First().TrimEnd('/') + "/"));

        Assert.Equal((HttpStatusCode.Accepted, ""), await http.PostAsync("admin/die"));

        await running.WaitAsync(SimClient.Timeout);
    }

    [Fact]
    public async Task The_process_exits_0_after_die()
    {
        using var process = StartProcess(new Dictionary<string, string> { ["Simulator__AdminApi"] = "true" }, "--urls", "http://127.0.0.1:0");
        var listening = ListeningUri(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new SimHttp(await listening.WaitAsync(SimClient.Timeout));
            Assert.Equal((HttpStatusCode.Accepted, ""), await http.PostAsync("admin/die"));

            await process.WaitForExitAsync().WaitAsync(SimClient.Timeout);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            KillIfRunning(process);
        }
    }

    [Fact]
    public async Task By_default_the_process_says_the_admin_api_is_off_and_how_to_turn_it_on()
    {
        using var process = StartProcess("--urls", "http://127.0.0.1:0");
        var listening = ListeningUri(process);
        var adminOff = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.Contains("Admin API", StringComparison.Ordinal) == true)
            {
                adminOff.TrySetResult(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new SimHttp(await listening.WaitAsync(SimClient.Timeout));

            var line = await adminOff.Task.WaitAsync(SimClient.Timeout);
            Assert.Contains("is off", line, StringComparison.Ordinal);
            Assert.Contains("Simulator__AdminApi=true", line, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("admin/die")).Status);
            Assert.False(process.HasExited);
        }
        finally
        {
            KillIfRunning(process);
        }
    }

    [Theory]
    [InlineData("--Simulator:AdminApi=maybe")]
    [InlineData("--Simulator:Languages:0=en_US")]
    [InlineData("--Simulator:Mode=banana")]
    [InlineData("--Simulator:Faults:Stall=maybe")]
    [InlineData("--Simulator:Faults:SlowMs=-1")]
    public async Task The_process_exits_1_without_a_crash_on_invalid_settings(string setting)
    {
        using var process = StartProcess("--urls", "http://127.0.0.1:0", setting);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(SimClient.Timeout);
            var output = await stdout + await stderr;

            Assert.Equal(1, process.ExitCode);
            Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
            Assert.Contains("Hosting failed to start", output, StringComparison.Ordinal);
        }
        finally
        {
            KillIfRunning(process);
        }
    }

    private static Process StartProcess(params string[] args) => StartProcess(new Dictionary<string, string>(), args);

    // The simulator's build output is copied next to the tests; the dotnet CLI tells child processes where its host is.
    private static Process StartProcess(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(typeof(SimulatorServer).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("the simulator process did not start");
    }

    // Subscribe before BeginOutputReadLine, or the line may be gone.
    private static Task<Uri> ListeningUri(Process process)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null && ListeningOn().Match(line.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
            }
        };
        return listening.Task;
    }

    private static void KillIfRunning(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [GeneratedRegex(@"Now listening on: (\S+)")]
    private static partial Regex ListeningOn();
}
