using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OrleansStt.InferenceSim.Tests;

/// <summary>A gateway-side PROTOCOL §2 client; every receive is bounded by <see cref="Timeout"/>.</summary>
public sealed class SimClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket socket = new();

    private SimClient()
    {
    }

    public WebSocket Socket => socket;

    public static async Task<SimClient> ConnectAsync(Uri streamUri, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new SimClient();
        configure?.Invoke(client.socket.Options);
        using var cts = new CancellationTokenSource(Timeout);
        await client.socket.ConnectAsync(streamUri, cts.Token);
        return client;
    }

    /// <summary>Connects and starts an echo-mode stream; its first partial proves the server has processed the start.</summary>
    public static async Task<SimClient> ConnectEchoStreamAsync(Uri streamUri)
    {
        var client = await ConnectAsync(streamUri);
        await client.StartAsync();
        await client.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-10", Describe.Message(await client.ReceiveAsync()));
        return client;
    }

    public static string StartJson(string[]? translate = null, int sampleRate = Pcm.DefaultSampleRate, string sessionId = "s1", string language = "en")
    {
        var languages = string.Join(",", (translate ?? []).Select(target => $"\"{target}\""));
        return $$"""{"type":"start","session_id":"{{sessionId}}","language":"{{language}}","translate":[{{languages}}],"sample_rate":{{sampleRate}},"encoding":"pcm_s16le"}""";
    }

    public Task StartAsync(string[]? translate = null, int sampleRate = Pcm.DefaultSampleRate, string language = "en") =>
        SendTextAsync(StartJson(translate, sampleRate, language: language));

    public async Task SendTextAsync(string text)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cts.Token);
    }

    public async Task SendAudioAsync(ReadOnlyMemory<byte> audio)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await socket.SendAsync(audio, WebSocketMessageType.Binary, endOfMessage: true, cts.Token);
    }

    /// <summary>Sends <paramref name="audio"/> as frames of <paramref name="frameBytes"/> (odd sizes split samples).</summary>
    public async Task SendAudioAsync(byte[] audio, int frameBytes)
    {
        for (var offset = 0; offset < audio.Length; offset += frameBytes)
        {
            await SendAudioAsync(audio.AsMemory(offset, Math.Min(frameBytes, audio.Length - offset)));
        }
    }

    /// <summary>The next text message, parsed; fails on a close frame.</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        var (type, text, _) = await ReceiveFrameAsync();
        Assert.True(type == WebSocketMessageType.Text, $"expected a text message, got {type} ({socket.CloseStatus} {socket.CloseStatusDescription})");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Messages up to and including the first of <paramref name="type"/>.</summary>
    public async Task<List<JsonElement>> ReceiveThroughAsync(string type, int maxMessages = 1_000)
    {
        var messages = new List<JsonElement>();
        while (messages.Count < maxMessages)
        {
            var message = await ReceiveAsync();
            messages.Add(message);
            if (message.GetProperty("type").GetString() == type)
            {
                return messages;
            }
        }

        throw new Xunit.Sdk.XunitException($"no '{type}' within {maxMessages} messages");
    }

    /// <summary>Expects the server's close frame and answers it.</summary>
    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync()
    {
        var (type, _, status) = await ReceiveFrameAsync();
        Assert.Equal(WebSocketMessageType.Close, type);
        using var cts = new CancellationTokenSource(Timeout);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        return status;
    }

    public async Task CloseAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<(WebSocketMessageType Type, string Text, WebSocketCloseStatus? Status)> ReceiveFrameAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, Encoding.UTF8.GetString(message.ToArray()), result.CloseStatus);
            }
        }
    }
}
