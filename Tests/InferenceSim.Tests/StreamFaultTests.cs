using System.Diagnostics;
using System.Net.WebSockets;

namespace OrleansStt.InferenceSim.Tests;

/// <summary>Faults that change what running streams send, or end them.</summary>
public sealed class StreamFaultTests
{
    private static SimulatorOptions EchoOptions => new() { Mode = SimulatorMode.Echo };

    [Fact]
    public async Task Stall_sends_nothing_while_pings_keep_the_socket_open_and_output_resumes_for_new_input()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);

        // The client aborts unless every ping is answered within KeepAliveTimeout. The timeout
        // leaves room for a CI box busy building other projects; the stall lasts longer than it.
        await using var client = await SimClient.ConnectAsync(server.StreamUri, options =>
        {
            options.KeepAliveInterval = TimeSpan.FromMilliseconds(100);
            options.KeepAliveTimeout = TimeSpan.FromSeconds(1);
        });
        await client.StartAsync();
        await client.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-10", Describe.Message(await client.ReceiveAsync()));

        server.Faults.Stall = true;
        var next = client.ReceiveAsync();
        await client.SendAudioAsync(new byte[320]);
        await client.SendTextAsync("""{"type":"finalize"}""");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        if (next.IsCompleted)
        {
            Assert.Fail($"received during the stall: {Describe.Message(await next)}");
        }
        Assert.Equal(WebSocketState.Open, client.Socket.State);

        // The partial produced during the stall (0-20) is dropped, not delayed.
        server.Faults.Stall = false;
        await client.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-30", Describe.Message(await next));
    }

    [Fact]
    public async Task A_stop_while_stalled_ends_the_stream_without_stopped()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectEchoStreamAsync(server.StreamUri);

        server.Faults.Stall = true;
        var next = client.ReceiveAsync();
        await client.SendTextAsync("""{"type":"stop"}""");
        await Eventually.TrueAsync(() => server.Stats.ActiveStreams == 0, "the stop is processed");

        await client.StartAsync();
        await Eventually.TrueAsync(() => server.Stats.StreamsStarted == 2, "the next start is processed");
        Assert.False(next.IsCompleted);

        server.Faults.Stall = false;
        await client.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-10", Describe.Message(await next));
    }

    [Fact]
    public async Task SlowMs_adds_to_the_processing_delay()
    {
        var options = EchoOptions;
        options.ProcessingDelayMs = 100;
        await using var server = await SimulatorServer.StartAsync(options);
        await using var client = await SimClient.ConnectEchoStreamAsync(server.StreamUri);

        server.Faults.SlowMs = 300;
        var clock = Stopwatch.StartNew();
        await client.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-20", Describe.Message(await client.ReceiveAsync()));
        var elapsed = clock.Elapsed;

        // A lower bound only, with the same slack as the processing-delay test: 400 ms are due.
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(350), $"result after {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task CloseStreams_drops_every_connection_without_a_close_frame_and_the_server_carries_on()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var streaming = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        await using var idle = await SimClient.ConnectAsync(server.StreamUri);
        await Eventually.TrueAsync(() => server.Stats.ConnectionsAccepted == 2, "both connections are accepted");

        server.Faults.CloseStreams();

        foreach (var client in new[] { streaming, idle })
        {
            await Assert.ThrowsAsync<WebSocketException>(client.ReceiveAsync);
            Assert.Null(client.Socket.CloseStatus);
        }

        await Eventually.TrueAsync(() => server.Stats.ActiveStreams == 0, "the dropped stream is released");
        await using var later = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
    }

    [Fact]
    public async Task FailStreams_sends_the_error_ahead_of_pending_results_then_closes_with_1011()
    {
        var options = EchoOptions;
        options.ProcessingDelayMs = 60_000;
        await using var server = await SimulatorServer.StartAsync(options);
        await using var streaming = await SimClient.ConnectAsync(server.StreamUri);
        await streaming.StartAsync();
        await streaming.SendAudioAsync(new byte[320]);
        await using var idle = await SimClient.ConnectAsync(server.StreamUri);
        await Eventually.TrueAsync(
            () => server.Stats.ActiveStreams == 1 && server.Stats.ConnectionsAccepted == 2,
            "the stream is started and both connections are accepted");

        server.Faults.FailStreams("GPU on fire");

        foreach (var client in new[] { streaming, idle })
        {
            Assert.Equal("error GPU on fire", Describe.Message(await client.ReceiveAsync()));
            Assert.Equal(WebSocketCloseStatus.InternalServerError, await client.ReceiveCloseAsync());
        }

        await Eventually.TrueAsync(() => server.Stats.ActiveStreams == 0, "the failed stream is released");
        server.Faults.FailStreams("nobody is listening");
        await using var later = await SimClient.ConnectAsync(server.StreamUri);
        await later.StartAsync();
        await Eventually.TrueAsync(() => server.Stats.StreamsStarted == 2, "a new stream starts after the failure");
    }
}
