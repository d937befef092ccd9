using System.Net.WebSockets;

namespace OrleansStt.InferenceSim.Tests;

public sealed class LifecycleTests
{
    private static SimulatorOptions EchoOptions => new() { Mode = SimulatorMode.Echo };

    [Fact]
    public async Task A_client_dropping_its_socket_mid_stream_ends_the_stream()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        var client = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        Assert.Equal(1, server.Stats.ActiveStreams);

        client.Socket.Abort();
        await client.DisposeAsync();

        await Eventually.TrueAsync(() => server.Stats.ActiveStreams == 0, "the dropped stream is released");
    }

    [Fact]
    public async Task A_client_closing_mid_stream_gets_its_close_answered_and_the_stream_ends()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectEchoStreamAsync(server.StreamUri);

        await client.CloseAsync();

        Assert.Equal(WebSocketState.Closed, client.Socket.State);
        await Eventually.TrueAsync(() => server.Stats.ActiveStreams == 0, "the closed stream is released");
    }

    [Fact]
    public async Task DisposeAsync_aborts_open_sockets_like_a_dying_server()
    {
        var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectEchoStreamAsync(server.StreamUri);

        await server.DisposeAsync().AsTask().WaitAsync(SimClient.Timeout);

        await Assert.ThrowsAsync<WebSocketException>(client.ReceiveAsync);
        Assert.Equal(0, server.Stats.ActiveStreams);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Keep_alive_pings_are_answered()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromMilliseconds(100);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(2);
        using var cts = new CancellationTokenSource(SimClient.Timeout);
        await socket.ConnectAsync(server.StreamUri, cts.Token);

        // A pending receive lets the client read pongs; without them it would abort after KeepAliveTimeout.
        var receive = socket.ReceiveAsync(new byte[1024], cts.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(receive.IsCompleted);
        Assert.Equal(WebSocketState.Open, socket.State);

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        Assert.Equal(WebSocketMessageType.Close, (await receive).MessageType);
    }
}
