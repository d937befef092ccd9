using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace OrleansStt.Grains.Backends;

/// <summary>One recognition stream on a GPU server's <c>/v1/stream</c> socket (PROTOCOL §2).</summary>
public sealed class BackendStream : IAsyncDisposable
{
    private static readonly ReadOnlyMemory<byte> FinalizeFrame = """{"type":"finalize"}"""u8.ToArray();
    private static readonly ReadOnlyMemory<byte> StopFrame = """{"type":"stop"}"""u8.ToArray();

    private readonly ClientWebSocket _socket;

    private BackendStream(ClientWebSocket socket) => _socket = socket;

    /// <summary>Dials <paramref name="uri"/> and sends <c>start</c>; throws when either fails within the timeout.</summary>
    public static async Task<BackendStream> OpenAsync(Uri uri, BackendStart start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(uri, deadline.Token);
            var json = JsonSerializer.SerializeToUtf8Bytes(start, BackendJsonContext.Default.BackendStart);
            await socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, deadline.Token);
            return new BackendStream(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken) =>
        _socket.SendAsync(audio, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);

    public ValueTask SendFinalizeAsync(CancellationToken cancellationToken) =>
        _socket.SendAsync(FinalizeFrame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    public ValueTask SendStopAsync(CancellationToken cancellationToken) =>
        _socket.SendAsync(StopFrame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Every text message until the server closes the socket; binary frames are ignored.</summary>
    public async IAsyncEnumerable<BackendResult> ReadResultsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
                buffer.Advance(received.Count);
            }
            while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

            if (received.MessageType == WebSocketMessageType.Close)
            {
                yield break;
            }

            if (received.MessageType == WebSocketMessageType.Text)
            {
                yield return Parse(buffer.WrittenSpan);
            }
        }
    }

    private static BackendResult Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, BackendJsonContext.Default.BackendResult)
                ?? new BackendResult("error", null, 0, 0, null, false, "the GPU server sent null");
        }
        catch (JsonException ex)
        {
            return new BackendResult("error", null, 0, 0, null, false, $"the GPU server sent malformed JSON: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, deadline.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server is gone or slow; disposing aborts the socket either way.
            }
        }

        _socket.Dispose();
    }
}
