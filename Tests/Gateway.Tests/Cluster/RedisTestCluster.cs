using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Hosting.Cluster;
using OrleansStt.InferenceSim;
using StackExchange.Redis;

namespace OrleansStt.Gateway.Tests.Cluster;

/// <summary>
/// The split topology on loopback: silos (in this process or their own) and edges clustered
/// through a real redis-server (.ci/run starts one; ORLEANSSTT_TEST_REDIS names another), in
/// front of one simulated GPU server "gpu-1".
/// </summary>
public sealed class RedisTestCluster : IAsyncDisposable
{
    private static readonly string Redis = Environment.GetEnvironmentVariable("ORLEANSSTT_TEST_REDIS") ?? "127.0.0.1:6379";

    private readonly List<IHost> _silos = [];
    private readonly List<NodeProcess> _processes = [];

    private RedisTestCluster(SimulatorServer server, Dictionary<string, string?> settings)
    {
        Server = server;
        Settings = settings;
    }

    public SimulatorServer Server { get; }

    /// <summary>What every node of this cluster is configured with.</summary>
    public Dictionary<string, string?> Settings { get; }

    public static async Task<RedisTestCluster> StartAsync(IDictionary<string, string?>? overrides = null)
    {
        await using (var redis = await ConnectionMultiplexer.ConnectAsync($"{Redis},abortConnect=false,connectTimeout=2000"))
        {
            Assert.True(redis.IsConnected, $"These tests need redis-server at {Redis} (bash .ci/run starts one).");
        }

        var server = await SimulatorServer.StartAsync(new SimulatorOptions { Capacity = 100 });
        var settings = new Dictionary<string, string?>
        {
            ["Orleans:Redis"] = Redis,
            ["Orleans:ClusterId"] = $"test-{Guid.NewGuid():N}",
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
            ["Stt:Backends:0:Id"] = "gpu-1",
            ["Stt:Backends:0:Url"] = server.StreamUri.ToString(),
            ["Stt:Backends:0:Capacity"] = "100",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new RedisTestCluster(server, settings);
    }

    /// <summary>A silo in this process; returns its address.</summary>
    public async Task<SiloAddress> StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Configuration.AddInMemoryCollection(FreeSiloPorts());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo.AddOrleansStt(builder.Configuration));
        var silo = builder.Build();
        await silo.StartAsync();
        _silos.Add(silo);
        return silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
    }

    /// <summary>A silo in a process of its own, to be killed without warning.</summary>
    public NodeProcess StartSiloProcess()
    {
        var process = NodeProcess.StartSilo(new Dictionary<string, string?>(Settings.Concat(FreeSiloPorts())));
        _processes.Add(process);
        return process;
    }

    public Task<GatewayHost> StartEdgeAsync() => GatewayHost.StartAsync(Settings);

    private static Dictionary<string, string?> FreeSiloPorts() => new()
    {
        ["Orleans:SiloPort"] = FreePort.Next().ToString(),
        ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.StopAsync();
            silo.Dispose();
        }

        await Server.DisposeAsync();
    }
}
