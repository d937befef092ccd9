namespace OrleansStt.InferenceSim.Tests;

public sealed class EchoModeTests
{
    private static SimulatorOptions EchoOptions => new() { Mode = SimulatorMode.Echo };

    [Fact]
    public async Task Each_frame_gets_a_partial_ending_at_the_audio_received_so_far_and_stop_sends_final_then_stopped()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync();

        var received = new List<string>();
        foreach (var frameBytes in new[] { 640, 640, 640, 100 })
        {
            await client.SendAudioAsync(new byte[frameBytes]);
            received.Add(Describe.Message(await client.ReceiveAsync()));
        }

        await client.SendTextAsync("""{"type":"stop"}""");
        received.AddRange(Describe.Messages(await client.ReceiveThroughAsync("stopped")));

        // 2020 bytes at 32 bytes/ms is 63.125 ms, truncated.
        Assert.Equal(
            ["partial '' 0-20", "partial '' 0-40", "partial '' 0-60", "partial '' 0-63", "final '' 0-63", "stopped"],
            received);
    }

    [Fact]
    public async Task Audio_position_follows_the_streams_sample_rate()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync(sampleRate: 8_000);

        await client.SendAudioAsync(new byte[1_600]);

        Assert.Equal("partial '' 0-100", Describe.Message(await client.ReceiveAsync()));
    }

    [Fact]
    public async Task A_frame_larger_than_the_receive_buffer_still_gets_exactly_one_partial()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync();

        await client.SendAudioAsync(new byte[320_000]);
        await client.SendTextAsync("""{"type":"stop"}""");

        Assert.Equal(["partial '' 0-10000", "final '' 0-10000", "stopped"], Describe.Messages(await client.ReceiveThroughAsync("stopped")));
    }

    [Fact]
    public async Task A_connection_is_reused_for_the_next_stream_which_counts_audio_from_zero()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.StartAsync();
        await client.SendAudioAsync(new byte[3_200]);
        await client.SendTextAsync("""{"type":"stop"}""");
        Assert.Equal(["partial '' 0-100", "final '' 0-100", "stopped"], Describe.Messages(await client.ReceiveThroughAsync("stopped")));
        Assert.Equal(0, server.Stats.ActiveStreams);

        await client.StartAsync();
        await client.SendAudioAsync(new byte[320]);
        await client.SendTextAsync("""{"type":"stop"}""");
        Assert.Equal(["partial '' 0-10", "final '' 0-10", "stopped"], Describe.Messages(await client.ReceiveThroughAsync("stopped")));

        Assert.Equal(1, server.Stats.ConnectionsAccepted);
        Assert.Equal(2, server.Stats.StreamsStarted);
        Assert.Equal(0, server.Stats.ActiveStreams);
    }

    [Fact]
    public async Task Finalize_is_a_no_op_and_nothing_is_translated()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync(translate: ["ja"]);

        await client.SendAudioAsync(new byte[640]);
        await client.SendTextAsync("""{"type":"finalize"}""");
        await client.SendAudioAsync(new byte[640]);
        await client.SendTextAsync("""{"type":"stop"}""");

        Assert.Equal(
            ["partial '' 0-20", "partial '' 0-40", "final '' 0-40", "stopped"],
            Describe.Messages(await client.ReceiveThroughAsync("stopped")));
    }

    [Fact]
    public async Task Results_are_held_for_the_processing_delay_and_keep_their_order()
    {
        var options = EchoOptions;
        options.ProcessingDelayMs = 100;
        await using var server = await SimulatorServer.StartAsync(options);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            await client.SendAudioAsync(new byte[640]);
        }

        await client.SendTextAsync("""{"type":"stop"}""");
        var first = await client.ReceiveAsync();
        var firstArrived = clock.Elapsed;
        var rest = await client.ReceiveThroughAsync("stopped");

        // A lower bound only: a result can never be early, however slow the machine.
        Assert.True(firstArrived >= TimeSpan.FromMilliseconds(50), $"first result after {firstArrived.TotalMilliseconds} ms");
        var expected = Enumerable.Range(1, 10).Select(i => $"partial '' 0-{i * 20}").Append("final '' 0-200").Append("stopped");
        Assert.Equal(expected, Describe.Messages(rest.Prepend(first)));
    }
}
