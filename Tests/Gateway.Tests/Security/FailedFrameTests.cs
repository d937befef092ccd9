using System.Net.WebSockets;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>
/// A frame the WebSocket layer fails gets its documented close code even while the client is still
/// sending: the edge reads what follows instead of dropping a connection with unread bytes, whose reset
/// could overtake the close frame.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class FailedFrameTests(GatewayFixture fixture)
{
    private const int Attempts = 24;
    private static readonly byte[] InvalidUtf8 = [(byte)'{', 0xE0, 0x80, 0xAF, (byte)'}'];
    private static readonly byte[] Audio = new byte[16 * 1024];

    [Fact]
    public async Task Invalid_utf8_followed_by_more_frames_is_closed_with_1007_not_dropped()
    {
        var answers = new List<Heard>();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await using var socket = await FuzzSocket.OpenAsync(new Uri($"{fixture.Gateway.ListenUri}?sample_rate=192000"), deadline.Token);
            await socket.SendAsync(WebSocketMessageType.Text, InvalidUtf8, null, deadline.Token);
            try
            {
                // What a client sends before it has read the close: audio already on its way.
                for (var i = 0; i < 32; i++)
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
}
