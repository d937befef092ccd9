using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using OrleansStt.Grains.Backends.Messages;

namespace OrleansStt.Grains.Backends;

/// <summary>
/// One pooled WebSocket to a GPU server's <c>/v1/stream</c>, carrying one recognition stream at
/// a time (PROTOCOL §2). Its own receive loop runs for the socket's whole life, idle or not, so
/// pings are answered and a dead server is noticed; the current session reads <see cref="Results"/>.
/// </summary>
public sealed class BackendSocket : IAsyncDisposable
{
    private const int ReceiveChunk = 512;

    private static readonly ReadOnlyMemory<byte> FinalizeFrame = """{"type":"finalize"}"""u8.ToArray();
    private static readonly ReadOnlyMemory<byte> StopFrame = """{"type":"stop"}"""u8.ToArray();

    private readonly ClientWebSocket _socket;
    private readonly Channel<BackendMessage> _results = Channel.CreateUnbounded<BackendMessage>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Task _receiver;

    private BackendSocket(ClientWebSocket socket)
    {
        _socket = socket;
        // A pooled socket serves many sessions in turn: its loop keeps none's log scope.
        using (ExecutionContext.SuppressFlow())
        {
            _receiver = Task.Run(ReceiveAsync);
        }
    }

    /// <summary>Every message of the current stream; completes when the socket is gone.</summary>
    public ChannelReader<BackendMessage> Results => _results.Reader;

    public bool IsOpen => _socket.State == WebSocketState.Open && !_receiver.IsCompleted;

    public static async Task<BackendSocket> ConnectAsync(Uri uri, TimeSpan pingInterval, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = pingInterval;
        socket.Options.KeepAliveTimeout = pingInterval;
        try
        {
            await socket.ConnectAsync(uri, deadline.Token);
            return new BackendSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Begins a stream; results of whatever ran on this socket before are dropped.</summary>
    public ValueTask StartAsync(BackendStart start, CancellationToken cancellationToken)
    {
        while (_results.Reader.TryRead(out _))
        {
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(start, BackendJsonContext.Default.BackendStart);
        return _socket.SendAsync(json.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken) =>
        _socket.SendAsync(audio, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);

    public ValueTask SendFinalizeAsync(CancellationToken cancellationToken) =>
        _socket.SendAsync(FinalizeFrame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    public ValueTask SendStopAsync(CancellationToken cancellationToken) =>
        _socket.SendAsync(StopFrame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private async Task ReceiveAsync()
    {
        // Sized for a result (a few hundred bytes of JSON), not for the largest message: the loop
        // holds it while it waits, on every pooled socket. A larger message grows it.
        var buffer = new ArrayBufferWriter<byte>(ReceiveChunk);
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await _socket.ReceiveAsync(buffer.GetMemory(ReceiveChunk), CancellationToken.None);
                    buffer.Advance(received.Count);
                }
                while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (received.MessageType == WebSocketMessageType.Text)
                {
                    _results.Writer.TryWrite(Parse(buffer.WrittenSpan));
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The server died, a ping went unanswered, or the socket was disposed: all end the stream.
        }
        finally
        {
            _results.Writer.TryComplete();
        }
    }

    private static BackendMessage Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, BackendJsonContext.Default.BackendMessage)
                ?? new ServerError("the GPU server sent null");
        }
        catch (JsonException ex)
        {
            return new ServerError($"the GPU server sent malformed JSON: {ex.Message}");
        }
    }

    /// <summary>Closes with a handshake when the server is still there, without waiting long for its reply.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, deadline.Token);
                await _receiver.WaitAsync(deadline.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
            {
                // The server is gone or slow; disposing aborts the socket either way.
            }
        }

        _socket.Dispose();
        await _receiver;
    }
}
