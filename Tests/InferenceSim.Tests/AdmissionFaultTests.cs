using System.Net;
using System.Net.WebSockets;

namespace OrleansStt.InferenceSim.Tests;

/// <summary>Faults that decide whether new connections and streams get in, and what <c>/health</c> says.</summary>
public sealed class AdmissionFaultTests
{
    [Fact]
    public async Task RefuseConnections_answers_new_upgrades_with_503_and_leaves_open_connections_alone()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo });
        await using var open = await SimClient.ConnectEchoStreamAsync(server.StreamUri);

        server.Faults.RefuseConnections = true;
        using var refused = new ClientWebSocket();
        refused.Options.CollectHttpResponseDetails = true;
        using var cts = new CancellationTokenSource(SimClient.Timeout);
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(server.StreamUri, cts.Token));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.HttpStatusCode);
        Assert.Equal(1, server.Stats.ConnectionsRefused);
        Assert.Equal(1, server.Stats.ConnectionsAccepted);
        await open.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-20", Describe.Message(await open.ReceiveAsync()));

        server.Faults.RefuseConnections = false;
        await using var later = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        Assert.Equal(2, server.Stats.ConnectionsAccepted);
        Assert.Equal(1, server.Stats.ConnectionsRefused);
    }

    [Fact]
    public async Task Sick_makes_health_answer_503_while_streams_keep_working()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo, Capacity = 5 });
        await using var client = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        using var http = new SimHttp(server.BaseUri);

        server.Faults.Sick = true;
        Assert.Equal((HttpStatusCode.ServiceUnavailable, """{"status":"sick","active_streams":1,"capacity":5,"encodings":["pcm_s16le"]}"""), await http.GetAsync("health"));
        await using var second = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        await client.SendTextAsync("""{"type":"stop"}""");
        Assert.Equal(["final '' 0-10", "stopped"], Describe.Messages(await client.ReceiveThroughAsync("stopped")));

        // Sick outranks draining.
        server.Faults.Draining = true;
        Assert.Equal((HttpStatusCode.ServiceUnavailable, """{"status":"sick","active_streams":1,"capacity":5,"encodings":["pcm_s16le"]}"""), await http.GetAsync("health"));

        server.Faults.Reset();
        Assert.Equal((HttpStatusCode.OK, """{"status":"ok","active_streams":1,"capacity":5,"encodings":["pcm_s16le"]}"""), await http.GetAsync("health"));
    }

    [Fact]
    public async Task Draining_makes_health_answer_503_and_refuses_new_starts_with_1013_while_running_streams_continue()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo, Capacity = 5 });
        await using var running = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        using var http = new SimHttp(server.BaseUri);

        server.Faults.Draining = true;
        Assert.Equal((HttpStatusCode.ServiceUnavailable, """{"status":"draining","active_streams":1,"capacity":5,"encodings":["pcm_s16le"]}"""), await http.GetAsync("health"));

        await using var refused = await SimClient.ConnectAsync(server.StreamUri);
        await refused.StartAsync();
        Assert.Equal("error server is draining", Describe.Message(await refused.ReceiveAsync()));
        Assert.Equal((WebSocketCloseStatus)1013, await refused.ReceiveCloseAsync());
        Assert.Equal(1, server.Stats.StreamsRefused);

        await running.SendAudioAsync(new byte[320]);
        await running.SendTextAsync("""{"type":"stop"}""");
        Assert.Equal(["partial '' 0-20", "final '' 0-20", "stopped"], Describe.Messages(await running.ReceiveThroughAsync("stopped")));

        server.Faults.Draining = false;
        await using var later = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        Assert.Equal(2, server.Stats.StreamsStarted);
    }

    [Fact]
    public async Task A_lowered_capacity_refuses_new_starts_until_running_streams_fall_below_it()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo, Capacity = 3 });
        await using var first = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        await using var second = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        using var http = new SimHttp(server.BaseUri);

        server.Faults.Capacity = 1;
        Assert.Equal((HttpStatusCode.OK, """{"status":"ok","active_streams":2,"capacity":1,"encodings":["pcm_s16le"]}"""), await http.GetAsync("health"));
        await AssertStartRefusedAsync(server, "error capacity exceeded (1/1)");

        // Both streams above the new capacity carry on.
        await first.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-20", Describe.Message(await first.ReceiveAsync()));
        await second.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-20", Describe.Message(await second.ReceiveAsync()));

        await StopAsync(first);
        await AssertStartRefusedAsync(server, "error capacity exceeded (1/1)");
        await StopAsync(second);
        await using var third = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        await AssertStartRefusedAsync(server, "error capacity exceeded (1/1)");

        server.Faults.Capacity = null;
        await using var fourth = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        Assert.Equal(3, server.Stats.StreamsRefused);
    }

    [Fact]
    public async Task A_raised_capacity_admits_more_streams_than_configured()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo, Capacity = 1 });

        server.Faults.Capacity = 2;
        await using var first = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        await using var second = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        await AssertStartRefusedAsync(server, "error capacity exceeded (2/2)");

        Assert.Equal(2, server.Stats.ActiveStreams);
    }

    [Fact]
    public async Task Invalid_values_throw_and_leave_the_faults_unchanged()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions());
        server.Faults.SlowMs = 5;
        server.Faults.Capacity = 2;

        Assert.Throws<ArgumentOutOfRangeException>(() => server.Faults.SlowMs = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => server.Faults.Capacity = 0);

        Assert.Equal(5, server.Faults.SlowMs);
        Assert.Equal(2, server.Faults.Capacity);
    }

    private static async Task AssertStartRefusedAsync(SimulatorServer server, string expectedError)
    {
        await using var refused = await SimClient.ConnectAsync(server.StreamUri);
        await refused.StartAsync();
        Assert.Equal(expectedError, Describe.Message(await refused.ReceiveAsync()));
        Assert.Equal((WebSocketCloseStatus)1013, await refused.ReceiveCloseAsync());
    }

    private static async Task StopAsync(SimClient client)
    {
        await client.SendTextAsync("""{"type":"stop"}""");
        await client.ReceiveThroughAsync("stopped");
    }
}
