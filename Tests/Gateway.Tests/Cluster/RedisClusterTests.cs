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

    [Fact]
    public async Task A_clustered_silo_keeps_its_operator_endpoints_closed_until_an_operator_key_is_set()
    {
        await using var closed = await RedisTestCluster.StartAsync();
        var silo = closed.StartSiloProcess();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        await using var guarded = await RedisTestCluster.StartAsync(new Dictionary<string, string?> { ["Stt:Operators:Keys:0"] = "ops" });
        var keyed = guarded.StartSiloProcess();
        await keyed.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient();

        using var refused = await http.GetAsync(new Uri(silo.Http, "/v1/backends"));
        using var dashboard = await http.GetAsync(new Uri(silo.Http, "/dashboard/"));
        using var withKey = new HttpRequestMessage(HttpMethod.Get, new Uri(keyed.Http, "/v1/backends"));
        withKey.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "ops");
        using var admitted = await http.SendAsync(withKey);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Stt:Operators:Keys", await refused.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, dashboard.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, admitted.StatusCode);
    }
}
