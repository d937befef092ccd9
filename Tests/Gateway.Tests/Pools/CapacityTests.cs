using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Pools;

public sealed class CapacityTests
{
    [Fact]
    public async Task Five_hundred_simultaneous_starts_against_capacity_300_get_exactly_300_streams()
    {
        await using var fleet = await Fleet.StartAsync(servers: 3, capacity: 100);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 500).Select(async _ =>
        {
            var session = await SttSession.ConnectAsync(new(fleet.Gateway.ListenUri));
            var reader = Conversation.Reader(session);
            var first = await reader.MoveNextAsync() ? reader.Current : null;
            return (session, reader, first);
        }));

        var opened = attempts.Where(a => a.first is SessionMessage).ToList();
        var refused = attempts.Where(a => a.first is ErrorMessage).ToList();
        Assert.Equal((300, 200), (opened.Count, refused.Count));
        Assert.All(refused, a => Assert.Equal("capacity_exhausted", ((ErrorMessage)a.first!).Code));
        foreach (var server in fleet.Servers)
        {
            Assert.Equal(100, await Eventually.Equal(100, () => Task.FromResult(server.Stats.ActiveStreams)));
        }

        Assert.All(fleet.Servers, s => Assert.True(s.Stats.PeakActiveStreams <= 100, $"a server carried {s.Stats.PeakActiveStreams} streams"));

        await Task.WhenAll(opened.Select(async a =>
        {
            await a.session.SendCloseStreamAsync();
            while (await a.reader.MoveNextAsync())
            {
            }

            Assert.Equal(WebSocketCloseStatus.NormalClosure, a.session.CloseStatus);
        }));
        foreach (var (session, reader, _) in attempts)
        {
            await reader.DisposeAsync();
            await session.DisposeAsync();
        }

        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task An_edge_at_its_session_limit_refuses_upgrades_with_503_until_a_session_ends()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4, new Dictionary<string, string?>
        {
            ["Stt:Edge:MaxSessions"] = "2",
        });
        using var http = new HttpClient();
        var health = new UriBuilder(fleet.Gateway.ListenUri) { Scheme = "http", Path = "/healthz" }.Uri;
        async Task<(int Sessions, int Max)> EdgeHealthAsync()
        {
            var body = (await http.GetFromJsonAsync<Dictionary<string, JsonElement>>(health))!;
            return (body["sessions"].GetInt32(), body["max_sessions"].GetInt32());
        }

        await using var first = await fleet.OpenAsync();
        await using var second = await fleet.OpenAsync();

        var refused = await Assert.ThrowsAsync<SttRejectedException>(() => SttSession.ConnectAsync(new(fleet.Gateway.ListenUri)));
        Assert.Equal((503, "capacity_exhausted"), (refused.StatusCode, refused.Code));
        Assert.Contains("limit of 2 sessions", refused.Message);
        Assert.Equal(TimeSpan.FromSeconds(1), (await RefusedUpgradeAsync(http, fleet.Gateway.ListenUri)).Headers.RetryAfter?.Delta);
        Assert.Equal(2, (await fleet.StatusAsync("gpu-1")).Active);
        Assert.Equal(2, await fleet.Gateway.SessionActivationsAsync());
        Assert.Equal((2, 2), await EdgeHealthAsync());

        Assert.IsType<ClosedMessage>((await first.CloseAsync())[^1]);
        Assert.Equal((1, 2), await Eventually.Equal((1, 2), EdgeHealthAsync));

        await using var third = await fleet.OpenAsync();
        await Conversation.StreamAsync(third.Session, Pcm.Tone(500, 200));
        Assert.IsType<ClosedMessage>((await third.CloseAsync())[^1]);
        Assert.IsType<ClosedMessage>((await second.CloseAsync())[^1]);
        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task A_second_session_reuses_the_first_sessions_socket()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4);
        var server = fleet.Servers[0];

        for (var i = 0; i < 3; i++)
        {
            await using var session = await fleet.OpenAsync();
            await Conversation.StreamAsync(session.Session, Pcm.Tone(500, 200));
            Assert.IsType<ClosedMessage>((await session.CloseAsync())[^1]);
            await Eventually.Equal(0, () => Task.FromResult(fleet.SocketsInUse()));
        }

        Assert.Equal(3, server.Stats.StreamsStarted);
        Assert.Equal(1, server.Stats.ConnectionsAccepted);
        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Idle_sockets_are_dialed_ahead_of_demand()
    {
        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 4, new Dictionary<string, string?>
        {
            ["Stt:Pool:MinIdleConnections"] = "3",
        });

        foreach (var server in fleet.Servers)
        {
            Assert.Equal(3L, await Eventually.Equal(3L, () => Task.FromResult(server.Stats.ConnectionsAccepted)));
            Assert.Equal(0L, server.Stats.StreamsStarted);
        }

        await using var session = await fleet.OpenAsync();
        Assert.IsType<ClosedMessage>((await session.CloseAsync())[^1]);
        await fleet.AssertNothingLeakedAsync();
    }

    /// <summary>A bare WebSocket upgrade request, for the headers of its refusal.</summary>
    private static Task<HttpResponseMessage> RefusedUpgradeAsync(HttpClient http, Uri listenUri)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(listenUri) { Scheme = "http" }.Uri);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        return http.SendAsync(request);
    }
}
