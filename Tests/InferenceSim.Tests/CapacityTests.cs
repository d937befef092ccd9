using System.Net.WebSockets;

namespace OrleansStt.InferenceSim.Tests;

public sealed class CapacityTests
{
    [Fact]
    public async Task A_start_beyond_capacity_gets_an_error_and_close_1013_and_capacity_frees_on_stop()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo, Capacity = 2 });
        await using var first = await StartedClientAsync(server);
        await using var second = await StartedClientAsync(server);

        await using var third = await SimClient.ConnectAsync(server.StreamUri);
        await third.StartAsync();
        Assert.Equal("error capacity exceeded (2/2)", Describe.Message(await third.ReceiveAsync()));
        Assert.Equal((WebSocketCloseStatus)1013, await third.ReceiveCloseAsync());

        Assert.Equal(2, server.Stats.ActiveStreams);
        Assert.Equal(2, server.Stats.PeakActiveStreams);
        Assert.Equal(1, server.Stats.StreamsRefused);

        await first.SendTextAsync("""{"type":"stop"}""");
        await first.ReceiveThroughAsync("stopped");
        await using var fourth = await StartedClientAsync(server);

        Assert.Equal(2, server.Stats.ActiveStreams);
        Assert.Equal(2, server.Stats.PeakActiveStreams);
        Assert.Equal(3, server.Stats.StreamsStarted);
        Assert.Equal(4, server.Stats.ConnectionsAccepted);
    }

    // Echo answers audio, which proves the server has processed the start.
    private static async Task<SimClient> StartedClientAsync(SimulatorServer server)
    {
        var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync();
        await client.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-10", Describe.Message(await client.ReceiveAsync()));
        return client;
    }
}
