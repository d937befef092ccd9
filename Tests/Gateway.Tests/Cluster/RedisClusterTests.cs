using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Cluster;

public sealed class RedisClusterTests
{
    [Fact]
    public async Task Edge_on_a_two_silo_redis_cluster_serves_concurrent_sessions()
    {
        await using var cluster = await RedisTestCluster.StartAsync();
        await cluster.StartSiloAsync();
        await cluster.StartSiloAsync();
        await using var edge = await cluster.StartEdgeAsync();

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

    [Fact]
    public async Task Edge_stops_cleanly_when_its_cluster_went_away_first()
    {
        await using var cluster = await RedisTestCluster.StartAsync();
        var silo = cluster.StartSiloProcess();
        var edge = await cluster.StartEdgeAsync();
        try
        {
            await using var session = await SttSession.ConnectAsync(new(edge.ListenUri));
            await Conversation.StreamAsync(session, Pcm.Tone(500, 200));
            await session.SendCloseStreamAsync();
            Assert.IsType<ClosedMessage>((await Conversation.ReadToEndAsync(session))[^1]);
        }
        catch
        {
            await edge.DisposeAsync();
            throw;
        }

        silo.Kill();

        // A whole deployment stopping takes silos down first; the edge must not crash on its way out.
        await edge.DisposeAsync();
    }
}
