using System.Net.WebSockets;
using System.Text;

namespace OrleansStt.InferenceSim.Tests;

public sealed class ProtocolErrorTests
{
    private static SimulatorOptions EchoOptions => new() { Mode = SimulatorMode.Echo };

    [Theory]
    [InlineData("{not json")]
    [InlineData("null")]
    [InlineData("""{"type":"start","sample_rate":"fast"}""")]
    public async Task A_malformed_text_frame_gets_an_error_and_the_connection_stays_usable(string frame)
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.SendTextAsync(frame);
        Assert.StartsWith("error malformed message", Describe.Message(await client.ReceiveAsync()));

        await AssertStreamWorksAsync(client);
    }

    [Fact]
    public async Task Audio_before_start_gets_an_error_and_the_connection_stays_usable()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.SendAudioAsync(new byte[640]);
        Assert.Equal("error audio received before start", Describe.Message(await client.ReceiveAsync()));

        await AssertStreamWorksAsync(client);
    }

    [Fact]
    public async Task Unknown_types_and_fields_are_ignored()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.SendTextAsync("""{"type":"keepalive","extra":{"nested":[1,2]}}""");
        await client.SendTextAsync("""{"type":"start","sample_rate":16000,"future_field":true}""");
        await client.SendAudioAsync(new byte[320]);

        Assert.Equal("partial '' 0-10", Describe.Message(await client.ReceiveAsync()));
    }

    [Fact]
    public async Task A_second_start_during_a_stream_gets_an_error_and_the_stream_goes_on()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync();
        await client.SendAudioAsync(new byte[320]);

        await client.StartAsync();
        await client.SendAudioAsync(new byte[320]);
        await client.SendTextAsync("""{"type":"stop"}""");

        var messages = Describe.Messages(await client.ReceiveThroughAsync("stopped"));
        Assert.Equal("partial '' 0-10", messages[0]);
        Assert.StartsWith("error a stream is already active", messages[1]);
        Assert.Equal(["partial '' 0-20", "final '' 0-20", "stopped"], messages[2..]);
        Assert.Equal(1, server.Stats.StreamsStarted);
    }

    [Theory]
    [InlineData("""{"type":"start","encoding":"opus"}""", "error bad_request: unsupported encoding 'opus'")]
    [InlineData("""{"type":"start","sample_rate":1000}""", "error bad_request: sample_rate must be between")]
    [InlineData("""{"type":"start","translate":["ja",""]}""", "error bad_request: translate must be")]
    [InlineData("""{"type":"stop"}""", "error stop without an active stream")]
    [InlineData("""{"type":"finalize"}""", "error finalize without an active stream")]
    public async Task Invalid_commands_get_an_error_and_start_no_stream(string frame, string expectedError)
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.SendTextAsync(frame);
        Assert.StartsWith(expectedError, Describe.Message(await client.ReceiveAsync()));

        Assert.Equal(0, server.Stats.StreamsStarted);
        await AssertStreamWorksAsync(client);
    }

    [Fact]
    public async Task A_text_message_sent_in_fragments_is_reassembled()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        var start = Encoding.UTF8.GetBytes(SimClient.StartJson());
        using var cts = new CancellationTokenSource(SimClient.Timeout);

        await client.Socket.SendAsync(start.AsMemory(0, 10), WebSocketMessageType.Text, endOfMessage: false, cts.Token);
        await client.Socket.SendAsync(start.AsMemory(10), WebSocketMessageType.Text, endOfMessage: true, cts.Token);
        await client.SendAudioAsync(new byte[320]);

        Assert.Equal("partial '' 0-10", Describe.Message(await client.ReceiveAsync()));
    }

    [Fact]
    public async Task An_oversized_text_message_gets_an_error_and_close_1009()
    {
        await using var server = await SimulatorServer.StartAsync(EchoOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.SendTextAsync($$"""{"type":"start","padding":"{{new string('x', 100_000)}}"}""");

        Assert.StartsWith("error text frame larger than", Describe.Message(await client.ReceiveAsync()));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.ReceiveCloseAsync());
        Assert.Equal(0, server.Stats.StreamsStarted);
    }

    private static async Task AssertStreamWorksAsync(SimClient client)
    {
        await client.StartAsync();
        await client.SendAudioAsync(new byte[320]);
        await client.SendTextAsync("""{"type":"stop"}""");
        Assert.Equal(["partial '' 0-10", "final '' 0-10", "stopped"], Describe.Messages(await client.ReceiveThroughAsync("stopped")));
    }
}
