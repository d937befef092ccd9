using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OrleansStt.Gateway.Tests.Recognition;

/// <summary>What the recognizer itself makes of some audio: its finals, straight from a GPU server's socket, no gateway between.</summary>
public static class EngineTranscript
{
    public static async Task<List<string>> FinalsAsync(Uri streamUri, byte[] audio, int frameBytes)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(streamUri, deadline.Token);
        await SendTextAsync(socket, """{"type":"start","session_id":"engine","language":"en","translate":[],"sample_rate":16000,"encoding":"pcm_s16le"}""", deadline.Token);
        var finals = new List<string>();
        var reading = ReadFinalsAsync(socket, finals, deadline.Token);
        for (var offset = 0; offset < audio.Length; offset += frameBytes)
        {
            await socket.SendAsync(audio.AsMemory(offset, Math.Min(frameBytes, audio.Length - offset)), WebSocketMessageType.Binary, true, deadline.Token);
        }

        await SendTextAsync(socket, """{"type":"stop"}""", deadline.Token);
        await reading;
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", deadline.Token);
        return finals;
    }

    private static async Task ReadFinalsAsync(ClientWebSocket socket, List<string> finals, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, cancellationToken);
            Assert.True(received.EndOfMessage, "The test reads one message per receive.");
            using var json = JsonDocument.Parse(buffer.AsMemory(0, received.Count));
            switch (json.RootElement.GetProperty("type").GetString())
            {
                case "final":
                    finals.Add(json.RootElement.GetProperty("text").GetString()!);
                    break;
                case "stopped":
                    return;
                case "error":
                    Assert.Fail($"The recognizer answered {json.RootElement}");
                    break;
            }
        }
    }

    private static Task SendTextAsync(ClientWebSocket socket, string json, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);
}
