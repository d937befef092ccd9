using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Grains.Hosting;
using OrleansStt.InferenceSim;
using StackExchange.Redis;

namespace OrleansStt.Gateway.Tests.Cluster;

/// <summary>
/// The split topology: two silos and a separate edge, clustered through a real redis-server on
/// loopback (.ci/run starts one; ORLEANSSTT_TEST_REDIS names another).
/// </summary>
public sealed class RedisClusterTests : IAsyncLifetime
{
    private static readonly string Redis = Environment.GetEnvironmentVariable("ORLEANSSTT_TEST_REDIS") ?? "127.0.0.1:6379";

    private readonly List<IHost> _silos = [];
    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Orleans:Redis"] = Redis,
        ["Orleans:ClusterId"] = $"test-{Guid.NewGuid():N}",
        ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
    };

    private SimulatorServer _server = null!;

    public async Task InitializeAsync()
    {
        await using (var redis = await ConnectionMultiplexer.ConnectAsync($"{Redis},abortConnect=false,connectTimeout=2000"))
        {
            Assert.True(redis.IsConnected, $"These tests need redis-server at {Redis} (bash .ci/run starts one).");
        }

        _server = await SimulatorServer.StartAsync(new SimulatorOptions { Capacity = 64 });
        _settings["Stt:Backends:0:Id"] = "gpu-1";
        _settings["Stt:Backends:0:Url"] = _server.StreamUri.ToString();
        _settings["Stt:Backends:0:Capacity"] = "64";
        for (var i = 0; i < 2; i++)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(_settings);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Orleans:SiloPort"] = FreePort.Next().ToString(),
                ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.UseOrleans(silo => silo.AddOrleansStt(builder.Configuration));
            var silo = builder.Build();
            await silo.StartAsync();
            _silos.Add(silo);
        }
    }

    [Fact]
    public async Task Edge_on_a_two_silo_redis_cluster_serves_concurrent_sessions()
    {
        await using var edge = await GatewayHost.StartAsync(_settings);

        var hosts = await edge.Cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            await using var session = await SttSession.ConnectAsync(new(edge.ListenUri) { Translate = ["de"] });
            await Conversation.StreamAsync(session, [.. Pcm.Tone(500, 600), .. Pcm.Silence(400), .. Pcm.Tone(300, 400)]);
            await session.SendCloseStreamAsync();
            return await Conversation.ReadToEndAsync(session);
        }));

        foreach (var messages in results)
        {
            Conversation.AssertGaplessSeq(messages);
            Assert.Equal(["five five five", "three three"], messages.OfType<TranscriptMessage>().Where(t => t.IsFinal).Select(t => t.Text));
            Assert.Equal(["[de] five five five", "[de] three three"], messages.OfType<TranslationMessage>().Where(t => t.IsFinal).Select(t => t.Text));
            Assert.IsType<ClosedMessage>(messages[^1]);
        }

        Assert.Equal(0, await Eventually.Equal(0, () => edge.ActiveLeasesAsync(["gpu-1"])));
        Assert.Equal(0, await Eventually.Equal(0, edge.SessionActivationsAsync));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.StopAsync();
            silo.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
