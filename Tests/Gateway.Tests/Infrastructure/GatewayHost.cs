using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using OrleansStt.EdgeHost.Hosting;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Gateway.Tests.Infrastructure;

/// <summary>An EdgeHost on a real Kestrel socket at 127.0.0.1, built exactly as Program.cs builds it.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, Uri listenUri)
    {
        _app = app;
        ListenUri = listenUri;
    }

    public const string AdmissionEnabled = "Stt:Edge:Admission:Enabled";

    public Uri ListenUri { get; }

    public IClusterClient Cluster => _app.Services.GetRequiredService<IClusterClient>();

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts an edge; without Orleans:Redis in <paramref name="settings"/> it hosts its own silo on free ports.
    /// <paramref name="alongside"/> maps what a customer's own application would serve on the same origin;
    /// <paramref name="logs"/>, when given, gets every line down to Debug; <paramref name="services"/>
    /// registers what a test puts in place of the gateway's own (it only adds what is not there yet).
    /// </summary>
    public static async Task<GatewayHost> StartAsync(
        IDictionary<string, string?> settings, Action<WebApplication>? alongside = null, CapturedLogs? logs = null, Action<IServiceCollection>? services = null)
    {
        var all = EdgeSettings(settings);
        if (!all.ContainsKey("Orleans:Redis"))
        {
            all.TryAdd("Orleans:SiloPort", FreePort.Next().ToString());
            all.TryAdd("Orleans:GatewayPort", FreePort.Next().ToString());
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(all);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter<CapturedLogs>("OrleansStt", LogLevel.Debug);
        }

        services?.Invoke(builder.Services);
        await builder.AddGatewayAsync();

        var app = builder.Build();
        app.MapGateway();
        alongside?.Invoke(app);
        await app.StartAsync();
        var http = new Uri(app.Urls.First());
        return new GatewayHost(app, new Uri($"ws://{http.Host}:{http.Port}/v1/listen"));
    }

    /// <summary>
    /// An edge's settings in tests, in process or not: admission by measured load off unless the test
    /// sets it, since a CI box running test classes side by side is overloaded for real and admission
    /// would rightly refuse their sessions. AdmissionTests turn it on.
    /// </summary>
    public static Dictionary<string, string?> EdgeSettings(IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings);
        all.TryAdd(AdmissionEnabled, "false");
        return all;
    }

    public async Task<int> ActiveLeasesAsync(IEnumerable<string> backendIds)
    {
        var total = 0;
        foreach (var id in backendIds)
        {
            total += (await Cluster.GetGrain<IBackendPoolGrain>(id).GetState()).Active;
        }

        return total;
    }

    public async Task<int> SessionActivationsAsync()
    {
        var stats = await Cluster.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return stats.Where(s => s.GrainType.Contains("SessionGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
