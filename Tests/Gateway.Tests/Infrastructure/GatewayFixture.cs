using OrleansStt.InferenceSim;

namespace OrleansStt.Gateway.Tests.Infrastructure;

/// <summary>An embedded gateway in front of two real speech-mode simulators, shared by a test collection.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const int CapacityPerServer = 64;

    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(3);

    public List<SimulatorServer> Servers { get; } = [];

    public GatewayHost Gateway { get; private set; } = null!;

    public IEnumerable<string> BackendIds => Servers.Select((_, i) => $"gpu-{i + 1}");

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Stt:Edge:MaxAudioFrameBytes"] = "16384",
            // Long enough for a test to resume, short enough that a vanished client's session is gone before the next test.
            ["Stt:Session:GracePeriod"] = GracePeriod.ToString(),
        };
        for (var i = 0; i < 2; i++)
        {
            var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Speech, Capacity = CapacityPerServer });
            Servers.Add(server);
            settings[$"Stt:Backends:{i}:Id"] = $"gpu-{i + 1}";
            settings[$"Stt:Backends:{i}:Url"] = server.StreamUri.ToString();
            settings[$"Stt:Backends:{i}:Capacity"] = CapacityPerServer.ToString();
        }

        Gateway = await GatewayHost.StartAsync(settings);
    }

    /// <summary>Asserts what a leak would break: no lease held, no GPU stream open, no session grain alive.</summary>
    public async Task AssertNothingLeakedAsync()
    {
        Assert.Equal(0, await Eventually.Equal(0, () => Gateway.ActiveLeasesAsync(BackendIds)));
        Assert.Equal(0, await Eventually.Equal(0, () => Task.FromResult(Servers.Sum(s => s.Stats.ActiveStreams))));
        Assert.Equal(0, await Eventually.Equal(0, Gateway.SessionActivationsAsync));
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "embedded gateway";
}
