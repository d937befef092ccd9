using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>
/// A frame the WebSocket layer fails gets its documented close code even while the client is still
/// sending: the edge reads what follows instead of dropping a connection with unread bytes, whose reset
/// could overtake the close frame; and once the client answers the close, the edge closes first.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class FailedFrameTests(GatewayFixture fixture)
{
    private const int Attempts = 32;
    private const int AudioFrames = 32;
    private static readonly byte[] InvalidUtf8 = [(byte)'{', 0xE0, 0x80, 0xAF, (byte)'}'];
    private static readonly byte[] Audio = new byte[16 * 1024];

    [Fact]
    public async Task Invalid_utf8_followed_by_more_frames_is_closed_with_1007_not_dropped()
    {
        // The reset this guards against is a race: several sockets make losing it likely.
        var answers = new List<Heard>();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await using var socket = await FuzzSocket.OpenAsync(new Uri($"{fixture.Gateway.ListenUri}?sample_rate=192000"), deadline.Token);
            await socket.SendAsync(WebSocketMessageType.Text, InvalidUtf8, null, deadline.Token);
            try
            {
                // What a client sends before it has read the close: audio already on its way.
                for (var i = 0; i < AudioFrames; i++)
                {
                    await socket.SendAsync(WebSocketMessageType.Binary, Audio, null, deadline.Token);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException)
            {
                // The gateway has stopped reading; what matters is what the client is told.
            }

            Heard next;
            do
            {
                next = await socket.NextAsync(deadline.Token);
            }
            while (next is HeardMessage);

            answers.Add(next);
        }

        Assert.All(answers, answer => Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, Assert.IsType<HeardClose>(answer).Status));
        await fixture.AssertNothingLeakedAsync();
    }

    [Theory]
    [InlineData("invalid UTF-8", RawFrame.Text, 1007)]
    [InlineData("reserved opcode 3", 0x3, 1002)]
    public async Task After_a_failed_frame_and_the_clients_answer_the_edge_closes_the_connection_without_a_reset(string input, int opcode, int status)
    {
        var closeTimeout = fixture.Gateway.Services.GetRequiredService<IOptions<EdgeOptions>>().Value.CloseTimeout;
        var target = new FuzzTarget(fixture.Gateway.ListenUri);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var connection = await RawHttpConnection.ConnectAsync(target.EndPoint, deadline.Token);
        await connection.SendAsync(RawHttpConnection.UpgradeRequest("/v1/listen", target.Host, "dGhlIHNhbXBsZSBub25jZQ=="), deadline.Token);
        Assert.Equal(101, (await connection.ReadResponseAsync(deadline.Token))?.Status);
        Assert.Contains("\"type\":\"session\"", Encoding.UTF8.GetString((await connection.ReadFrameAsync(deadline.Token))!.Payload), StringComparison.Ordinal);

        await connection.SendFrameAsync(opcode, opcode == RawFrame.Text ? InvalidUtf8 : Encoding.UTF8.GetBytes("""{"type":"keepalive"}"""), cancellationToken: deadline.Token);
        for (var i = 0; i < AudioFrames; i++)
        {
            await connection.SendFrameAsync(RawFrame.Binary, Audio, cancellationToken: deadline.Token);
        }

        RawFrame? frame;
        do
        {
            frame = await connection.ReadFrameAsync(deadline.Token);
        }
        while (frame is { Opcode: not RawFrame.Close });

        Assert.True(frame is not null, $"{input}: the connection ended without a close frame");
        Assert.Equal(status, frame.CloseStatus);

        // RFC 6455 §7.1.1: with both close frames exchanged, the server closes the connection, at
        // once rather than when its wait for the client (CloseTimeout) runs out.
        await connection.SendFrameAsync(RawFrame.Close, frame.Payload.Take(2).ToArray(), cancellationToken: deadline.Token);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        closed.CancelAfter(closeTimeout / 2);
        var (_, reset) = await connection.ReadToEndAsync(closed.Token);
        Assert.False(reset, $"{input}: the edge reset the connection");
    }
}
