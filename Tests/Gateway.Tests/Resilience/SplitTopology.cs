using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Cluster;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Hosting.Cluster;
using OrleansStt.Grains.Interfaces.Backends;
using OrleansStt.InferenceSim;
using StackExchange.Redis;

namespace OrleansStt.Gateway.Tests.Resilience;

/// <summary>
/// The production shape on loopback: two silos and two edges, each the real binary in a process of
/// its own, clustered through a real redis-server, in front of three echo-mode GPU servers; plus an
/// Orleans client of this test's own to look inside (leases, activations).
/// </summary>
public sealed class SplitTopology : IAsyncDisposable
{
    private static readonly string Redis = Environment.GetEnvironmentVariable("ORLEANSSTT_TEST_REDIS") ?? "127.0.0.1:6379";

    private readonly IHost _observer;

    private readonly Dictionary<string, string?> _settings;

    private SplitTopology(Dictionary<string, string?> settings, List<SimulatorServer> servers, List<NodeProcess> silos, List<NodeProcess> edges, IHost observer)
    {
        _settings = settings;
        Servers = servers;
        Silos = silos;
        Edges = edges;
        _observer = observer;
    }

    public List<SimulatorServer> Servers { get; }

    public List<NodeProcess> Silos { get; }

    public List<NodeProcess> Edges { get; }

    public IClusterClient Cluster => _observer.Services.GetRequiredService<IClusterClient>();

    public IEnumerable<string> BackendIds => Servers.Select((_, i) => $"gpu-{i + 1}");

    public static async Task<SplitTopology> StartAsync(int silos = 2)
    {
        await using (var redis = await ConnectionMultiplexer.ConnectAsync($"{Redis},abortConnect=false,connectTimeout=2000"))
        {
            Assert.True(redis.IsConnected, $"These tests need redis-server at {Redis} (bash .ci/run starts one).");
        }

        var settings = new Dictionary<string, string?>
        {
            ["Orleans:Redis"] = Redis,
            ["Orleans:ClusterId"] = $"resilience-{Guid.NewGuid():N}",
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
            // A dead silo is declared dead within ~3 s instead of Orleans' cautious default.
            ["Orleans:Membership:ProbeTimeout"] = "00:00:01",
            ["Orleans:Membership:NumMissedProbesLimit"] = "3",
            ["Orleans:Membership:NumVotesForDeathDeclaration"] = "1",
            ["Stt:Edge:DrainTimeout"] = "00:00:05",
            ["Stt:Pool:LeaseTtl"] = "00:00:05",
        };
        var servers = new List<SimulatorServer>();
        for (var i = 0; i < 3; i++)
        {
            var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo, Capacity = 100 });
            servers.Add(server);
            settings[$"Stt:Backends:{i}:Id"] = $"gpu-{i + 1}";
            settings[$"Stt:Backends:{i}:Url"] = server.StreamUri.ToString();
            settings[$"Stt:Backends:{i}:Capacity"] = "100";
        }

        var siloNodes = Enumerable.Range(0, silos).Select(_ => StartSilo(settings)).ToList();
        await Task.WhenAll(siloNodes.Select(s => s.WaitHealthyAsync(TimeSpan.FromSeconds(60))));

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.AddOrleansStt(builder.Configuration));
        var observer = builder.Build();
        await observer.StartAsync();
        var topology = new SplitTopology(settings, servers, siloNodes, [], observer);
        await topology.WaitActiveSilosAsync(silos);

        topology.Edges.AddRange(Enumerable.Range(0, 2).Select(_ => NodeProcess.StartEdge(settings)));
        await Task.WhenAll(topology.Edges.Select(e => e.WaitHealthyAsync(TimeSpan.FromSeconds(60))));
        await Task.WhenAll(topology.Edges.Select(WarmUpAsync));
        return topology;
    }

    /// <summary>A silo joining the running cluster (scale-out); returns once the cluster counts it active.</summary>
    public async Task<NodeProcess> AddSiloAsync()
    {
        var silo = StartSilo(_settings);
        Silos.Add(silo);
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        await WaitActiveSilosAsync(Silos.Count(s => !s.HasExited));
        return silo;
    }

    /// <summary>Session grains alive on each active silo, by silo address.</summary>
    public async Task<Dictionary<SiloAddress, int>> SessionsPerSiloAsync()
    {
        var management = Cluster.GetGrain<IManagementGrain>(0);
        var counts = new Dictionary<SiloAddress, int>();
        foreach (var silo in (await management.GetHosts(onlyActive: true)).Keys)
        {
            var stats = await management.GetSimpleGrainStatistics([silo]);
            counts[silo] = stats.Where(s => s.GrainType.Contains("SessionGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        }

        return counts;
    }

    private static NodeProcess StartSilo(Dictionary<string, string?> settings) => NodeProcess.StartSilo(new Dictionary<string, string?>(settings)
    {
        ["Orleans:SiloPort"] = FreePort.Next().ToString(),
        ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
    });

    private async Task WaitActiveSilosAsync(int count)
    {
        var management = Cluster.GetGrain<IManagementGrain>(0);
        Assert.Equal(count, await Eventually.Equal(count, async () => (await management.GetHosts(onlyActive: true)).Count, TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// One short session through <paramref name="edge"/>, so that a scenario starts on a cluster whose
    /// first activations, stream queues and GPU sockets are in place, as a running deployment's are.
    /// </summary>
    private static async Task WarmUpAsync(NodeProcess edge)
    {
        await using var session = await SttSession.ConnectAsync(new SttConnectOptions(edge.ListenUri) { Resume = SttResumeOptions.Disabled });
        await session.SendAudioAsync(new byte[640]);
        await session.SendCloseStreamAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var _ in session.ReadAllAsync(deadline.Token))
        {
        }
    }

    /// <summary>Session grains alive anywhere in the cluster (each holds a log and possibly a replay buffer).</summary>
    public async Task<int> SessionActivationsAsync()
    {
        var stats = await Cluster.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return stats.Where(s => s.GrainType.Contains("SessionGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    public async Task<int> ActiveLeasesAsync()
    {
        var total = 0;
        foreach (var id in BackendIds)
        {
            total += (await Cluster.GetGrain<IBackendPoolGrain>(id).GetState()).Active;
        }

        return total;
    }

    /// <summary>Nothing left behind: no lease, no GPU stream, no session grain, no socket (with its copy of the audio) on a live edge.</summary>
    public async Task AssertNothingLeakedAsync()
    {
        Assert.Equal(0, await Eventually.Equal(0, ActiveLeasesAsync, TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await Eventually.Equal(0, () => Task.FromResult(Servers.Sum(s => s.Stats.ActiveStreams)), TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await Eventually.Equal(0, SessionActivationsAsync, TimeSpan.FromSeconds(30)));
        using var http = new HttpClient();
        foreach (var edge in Edges.Where(e => !e.HasExited))
        {
            Assert.Equal(0, await Eventually.Equal(0, async () =>
            {
                using var health = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(edge.Http, "/healthz")));
                return health.RootElement.GetProperty("sessions").GetInt32();
            }, TimeSpan.FromSeconds(30)));
        }
    }

    /// <summary>What every process wrote last, for a failing test's message.</summary>
    public string Logs => string.Join("\n", Silos.Concat(Edges).Select((n, i) => $"--- node {i} ({n.Http}) ---\n{n.RecentOutput}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Edges.Concat(Silos))
        {
            node.Dispose();
        }

        await _observer.StopAsync();
        _observer.Dispose();
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }
    }
}
