using System.Net.WebSockets;
using System.Text;

namespace OrleansStt.Client.Tests;

/// <summary>The edge's end of one accepted WebSocket; every receive is bounded by <see cref="ScriptedEdge.Timeout"/>.</summary>
public sealed class EdgeSocket(WebSocket socket, EdgeCall call)
{
    public Task SendAsync(string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>The client's next audio frame; fails on a text frame, a close or a broken connection.</summary>
    public async Task<byte[]> ReceiveAudioAsync()
    {
        var (type, data) = await ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        return data;
    }

    public async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(ScriptedEdge.Timeout);
        var buffer = new byte[70_000];
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            length += result.Count;
            if (result.EndOfMessage)
            {
                return (result.MessageType, buffer[..length]);
            }
        }
    }

    /// <summary>
    /// True when the client dropped or closed this socket without sending anything more: what a
    /// client that gave up the session does.
    /// </summary>
    public async Task<bool> EndsWithoutMoreDataAsync()
    {
        try
        {
            return (await ReceiveAsync()).Type == WebSocketMessageType.Close;
        }
        catch (WebSocketException)
        {
            return true;
        }
    }

    /// <summary>Sends a close frame and ends the request without waiting for the client's answer.</summary>
    public async Task CloseAsync(int status, string reason)
    {
        await socket.CloseOutputAsync((WebSocketCloseStatus)status, reason, CancellationToken.None);
        call.Finish();
    }

    /// <summary>Sends a close frame and waits for the client's: a client that ends the session answers it.</summary>
    public async Task CloseAndAwaitAnswerAsync(int status, string reason)
    {
        await socket.CloseOutputAsync((WebSocketCloseStatus)status, reason, CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync()).Type);
        call.Finish();
    }

    public void Break() => call.Break();
}
