using System.Net.WebSockets;

namespace OrleansStt.InferenceSim.Tests;

public sealed class CapacityTests
{
    [Fact]
    public async Task A_start_beyond_capacity_gets_an_error_and_close_1013_and_capacity_frees_on_stop()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo, Capacity = 2 });
        await using var first = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        await using var second = await SimClient.ConnectEchoStreamAsync(server.StreamUri);

        await using var third = await SimClient.ConnectAsync(server.StreamUri);
        await third.StartAsync();
        var refusal = await third.ReceiveAsync();
        Assert.Equal("error capacity exceeded (2/2)", Describe.Message(refusal));

        // A full server is this server's state, not a bad request: no code, so the gateway tries another.
        Assert.False(refusal.TryGetProperty("code", out _));
        Assert.Equal((WebSocketCloseStatus)1013, await third.ReceiveCloseAsync());

        Assert.Equal(2, server.Stats.ActiveStreams);
        Assert.Equal(2, server.Stats.PeakActiveStreams);
        Assert.Equal(1, server.Stats.StreamsRefused);

        await first.SendTextAsync("""{"type":"stop"}""");
        await first.ReceiveThroughAsync("stopped");
        await using var fourth = await SimClient.ConnectEchoStreamAsync(server.StreamUri);

        Assert.Equal(2, server.Stats.ActiveStreams);
        Assert.Equal(2, server.Stats.PeakActiveStreams);
        Assert.Equal(3, server.Stats.StreamsStarted);
        Assert.Equal(4, server.Stats.ConnectionsAccepted);
    }
}
