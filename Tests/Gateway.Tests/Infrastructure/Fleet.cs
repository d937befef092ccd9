using Microsoft.Extensions.DependencyInjection;
using OrleansStt.Client;
using OrleansStt.Grains.Backends;
using OrleansStt.Grains.Interfaces.Backends;
using OrleansStt.InferenceSim;

namespace OrleansStt.Gateway.Tests.Infrastructure;

/// <summary>
/// Real simulated GPU servers "gpu-1" … "gpu-N" behind an embedded gateway whose pools react
/// fast (short probes, stall deadline and leases), for tests that break servers on purpose.
/// </summary>
public sealed class Fleet : IAsyncDisposable
{
    private Fleet(List<SimulatorServer> servers, GatewayHost gateway)
    {
        Servers = servers;
        Gateway = gateway;
    }

    public List<SimulatorServer> Servers { get; }

    public GatewayHost Gateway { get; }

    public IEnumerable<string> BackendIds => Servers.Select((_, i) => Id(i));

    public static string Id(int index) => $"gpu-{index + 1}";

    public SimulatorServer Server(string backendId) => Servers[int.Parse(backendId["gpu-".Length..]) - 1];

    public static async Task<Fleet> StartAsync(int servers, int capacity, IDictionary<string, string?>? overrides = null, int serverCapacity = 1000, CapturedLogs? logs = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Stt:Pool:ProbeInterval"] = "00:00:00.300",
            ["Stt:Pool:LeaseTtl"] = "00:00:03",
            ["Stt:Pool:StatusRefresh"] = "00:00:00.200",
            ["Stt:Pool:MinIdleConnections"] = "0",
            ["Stt:Session:StallTimeout"] = "00:00:02",
        };
        var list = new List<SimulatorServer>();
        for (var i = 0; i < servers; i++)
        {
            var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Speech, Capacity = serverCapacity });
            list.Add(server);
            settings[$"Stt:Backends:{i}:Id"] = Id(i);
            settings[$"Stt:Backends:{i}:Url"] = server.StreamUri.ToString();
            settings[$"Stt:Backends:{i}:Capacity"] = capacity.ToString();
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new Fleet(list, await GatewayHost.StartAsync(settings, logs: logs));
    }

    public Task<BackendPoolStatus> StatusAsync(string backendId) =>
        Gateway.Cluster.GetGrain<IBackendPoolGrain>(backendId).GetState();

    public int SocketsInUse() =>
        Gateway.Services.GetRequiredService<BackendConnections>().Pools.Values.Sum(p => p.InUse);

    /// <summary>No lease held, no pooled socket lent out, no GPU stream open, no session grain alive.</summary>
    public async Task AssertNothingLeakedAsync()
    {
        Assert.Equal(0, await Eventually.Equal(0, () => Gateway.ActiveLeasesAsync(BackendIds)));
        Assert.Equal(0, await Eventually.Equal(0, () => Task.FromResult(SocketsInUse())));
        Assert.Equal(0, await Eventually.Equal(0, () => Task.FromResult(Servers.Sum(s => s.Stats.ActiveStreams))));
        Assert.Equal(0, await Eventually.Equal(0, Gateway.SessionActivationsAsync));
    }

    public async Task<OpenSession> OpenAsync()
    {
        var session = await SttSession.ConnectAsync(new SttConnectOptions(Gateway.ListenUri));
        var reader = Conversation.Reader(session);
        var seen = await Conversation.ReadUntilAsync(reader, m => m is SessionMessage);
        return new OpenSession(session, reader, seen);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }
    }
}
