using System.Net;
using System.Net.WebSockets;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.InferenceSim;

namespace OrleansStt.Gateway.Tests.EndToEnd;

/// <summary>GPU servers that are full, unreachable or dying, each against a gateway of its own.</summary>
public sealed class BackendFailureTests
{
    [Fact]
    public async Task Full_fleet_answers_capacity_exhausted_at_once_and_closes_1013()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Capacity = 4 });
        await using var gateway = await GatewayHost.StartAsync(Backend("gpu-1", server.StreamUri, capacity: 1));
        await using var holder = await SttSession.ConnectAsync(new(gateway.ListenUri));
        await using var holderReader = Conversation.Reader(holder);
        await Conversation.ReadUntilAsync(holderReader, m => m is SessionMessage);

        await using var refused = await SttSession.ConnectAsync(new(gateway.ListenUri));
        var messages = await Conversation.ReadToEndAsync(refused);

        var error = Assert.IsType<ErrorMessage>(Assert.Single(messages));
        Assert.Equal(("capacity_exhausted", 1L), (error.Code, error.Seq));
        Assert.Equal((WebSocketCloseStatus)1013, refused.CloseStatus);
        Assert.Equal(1, server.Stats.PeakActiveStreams);

        await holder.SendCloseStreamAsync();
        await Conversation.ReadUntilAsync(holderReader, m => m is ClosedMessage);
        Assert.Equal(0, await Eventually.Equal(0, () => gateway.ActiveLeasesAsync(["gpu-1"])));
        Assert.Equal(0, await Eventually.Equal(0, gateway.SessionActivationsAsync));
    }

    [Fact]
    public async Task Unreachable_backend_answers_backend_unavailable()
    {
        var nobody = new Uri($"ws://127.0.0.1:{FreePort.Next()}/v1/stream");
        await using var gateway = await GatewayHost.StartAsync(Backend("gpu-down", nobody, capacity: 4));

        await using var session = await SttSession.ConnectAsync(new(gateway.ListenUri));
        var messages = await Conversation.ReadToEndAsync(session);

        Assert.Equal("backend_unavailable", Assert.IsType<ErrorMessage>(Assert.Single(messages)).Code);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, session.CloseStatus);
        Assert.Equal(0, await Eventually.Equal(0, () => gateway.ActiveLeasesAsync(["gpu-down"])));
        Assert.Equal(0, await Eventually.Equal(0, gateway.SessionActivationsAsync));
    }

    [Fact]
    public async Task Backend_dying_mid_stream_ends_the_session_with_backend_unavailable()
    {
        var server = await SimulatorServer.StartAsync(new SimulatorOptions());
        await using var gateway = await GatewayHost.StartAsync(Backend("gpu-1", server.StreamUri, capacity: 4));
        await using var session = await SttSession.ConnectAsync(new(gateway.ListenUri));
        await using var reader = Conversation.Reader(session);
        await Conversation.StreamAsync(session, Pcm.Tone(500, 400));
        await Conversation.ReadUntilAsync(reader, m => m is TranscriptMessage);

        await server.DisposeAsync();

        var rest = await Conversation.ReadUntilAsync(reader, m => m is ErrorMessage);
        Assert.Equal("backend_unavailable", ((ErrorMessage)rest[^1]).Code);
        Assert.Equal(0, await Eventually.Equal(0, () => gateway.ActiveLeasesAsync(["gpu-1"])));
        Assert.Equal(0, await Eventually.Equal(0, gateway.SessionActivationsAsync));
    }

    [Fact]
    public async Task Configured_api_keys_refuse_unauthenticated_clients_with_http_401()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions());
        var settings = Backend("gpu-1", server.StreamUri, capacity: 4);
        settings["Stt:Edge:ApiKeys:0"] = "secret-key";
        await using var gateway = await GatewayHost.StartAsync(settings);

        var refused = await Assert.ThrowsAsync<SttRejectedException>(() => SttSession.ConnectAsync(new(gateway.ListenUri) { ApiKey = "wrong" }));
        Assert.Equal(((int)HttpStatusCode.Unauthorized, "unauthorized"), (refused.StatusCode, refused.Code));

        await using var header = await SttSession.ConnectAsync(new(gateway.ListenUri) { ApiKey = "secret-key" });
        await using var query = await SttSession.ConnectAsync(new(gateway.ListenUri) { AccessToken = "secret-key" });
        foreach (var session in new[] { header, query })
        {
            await session.SendCloseStreamAsync();
            Assert.IsType<ClosedMessage>((await Conversation.ReadToEndAsync(session))[^1]);
        }
    }

    private static Dictionary<string, string?> Backend(string id, Uri url, int capacity) => new()
    {
        ["Stt:Backends:0:Id"] = id,
        ["Stt:Backends:0:Url"] = url.ToString(),
        ["Stt:Backends:0:Capacity"] = capacity.ToString(),
    };
}
