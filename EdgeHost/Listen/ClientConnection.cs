using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Grains.Interfaces.Delivery;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Interfaces.Sessions;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// One client socket: a reader that forwards frames to the session grain, and a writer that
/// sends whatever the grain published. The grain decides every message and when the socket
/// closes; this class only moves bytes and refuses what is malformed or too large.
/// </summary>
public sealed partial class ClientConnection
{
    private readonly WebSocket _socket;
    private readonly ISessionGrain _session;
    private readonly EdgeOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<SessionOutput> _output;
    private readonly CancellationTokenSource _writerStop = new();
    private readonly CancellationTokenSource _readerStop = new();
    private long _lastSeq;

    // Set once the writer has sent the session's last message and a close frame.
    private volatile bool _closedByGateway;

    // Set when this connection is done; late messages for it are dropped quietly.
    private volatile bool _finished;

    public ClientConnection(WebSocket socket, ISessionGrain session, EdgeOptions options, ILogger logger)
    {
        _socket = socket;
        _session = session;
        _options = options;
        _logger = logger;
        _output = Channel.CreateBounded<SessionOutput>(new BoundedChannelOptions(options.OutputQueueLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Called by the router for every message of this session, in order.</summary>
    public void Deliver(SessionOutput output)
    {
        if (!_output.Writer.TryWrite(output) && !_finished)
        {
            // The client reads slower than its results arrive; keeping up would need unbounded memory.
            LogSlowClient(_logger, output.SessionId, _options.OutputQueueLimit);
            _socket.Abort();
        }
    }

    public async Task RunAsync(SessionRequest request, CancellationToken stopping)
    {
        var writer = WriteAsync();
        var ending = Ending.GatewayCloses;
        try
        {
            if (await _session.Open(request) == OpenOutcome.Opened)
            {
                ending = await ReadAsync(stopping) ? Ending.ClientGone : Ending.GatewayCloses;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogGrainFailed(_logger, ex);
            ending = Ending.GatewayFailed;
        }

        if (ending == Ending.ClientGone)
        {
            await AbandonAsync();
            await _writerStop.CancelAsync();
        }
        else
        {
            // The session's last message is on its way; the writer closes the socket after it.
            _writerStop.CancelAfter(_options.CloseTimeout);
        }

        await writer;
        if (ending == Ending.GatewayFailed && !_closedByGateway)
        {
            // Nothing came from the session (its silo died with it): the edge says so itself.
            await WriteInternalErrorAsync();
            await AbandonAsync();
        }

        await FinishCloseHandshakeAsync();
    }

    /// <summary>Forwards client frames until the socket ends; true when the client went away on its own.</summary>
    private async Task<bool> ReadAsync(CancellationToken stopping)
    {
        var closeStreamSent = false;
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(stopping, _readerStop.Token);
        stopping = reading.Token;
        using var frames = new FrameBuffer(Math.Max(_options.MaxAudioFrameBytes, _options.MaxControlFrameBytes));
        try
        {
            while (!_closedByGateway)
            {
                var frame = await ReceiveFrameAsync(frames, stopping);
                switch (frame.Type)
                {
                    case WebSocketMessageType.Close:
                        return !_closedByGateway;
                    case var _ when frame.TooLarge:
                        await _session.RejectInput(new InputRejection(
                            ErrorCodes.PayloadTooLarge,
                            $"A {(frame.Type == WebSocketMessageType.Binary ? "binary" : "text")} frame exceeded {Limit(frame.Type)} bytes.",
                            EndsSession: true));
                        return false;
                    case WebSocketMessageType.Binary when !closeStreamSent:
                        await _session.SendAudio(new AudioChunk(frames.Received.ToArray()));
                        break;
                    case WebSocketMessageType.Text:
                        closeStreamSent |= await OnCommandAsync(frames.Received.ToArray());
                        break;
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client vanished, or this edge is stopping.
            return !_closedByGateway;
        }
    }

    /// <summary>Handles one control frame; true when it was <c>close_stream</c>.</summary>
    private async Task<bool> OnCommandAsync(byte[] json)
    {
        ClientCommand? command;
        try
        {
            command = JsonSerializer.Deserialize(json, EdgeJsonContext.Default.ClientCommand);
        }
        catch (JsonException ex)
        {
            await _session.RejectInput(new InputRejection(ErrorCodes.BadRequest, $"The text frame is not a JSON object: {ex.Message}", EndsSession: false));
            return false;
        }

        switch (command?.Type)
        {
            case null:
                await _session.RejectInput(new InputRejection(ErrorCodes.BadRequest, "The JSON message has no \"type\".", EndsSession: false));
                return false;
            case "finalize":
                await _session.FinalizeUtterance();
                return false;
            case "close_stream":
                await _session.CloseStream();
                return true;
            case "keepalive":
                await _session.Keepalive();
                return false;
            default:
                return false; // Unknown types are ignored (PROTOCOL: readers ignore unknown types).
        }
    }

    private async Task<ReceivedFrame> ReceiveFrameAsync(FrameBuffer frames, CancellationToken cancellationToken)
    {
        frames.Reset();
        while (true)
        {
            var received = await _socket.ReceiveAsync(frames.Free, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return new ReceivedFrame(WebSocketMessageType.Close, TooLarge: false);
            }

            frames.Advance(received.Count);
            if (frames.Length > Limit(received.MessageType) || (!received.EndOfMessage && !frames.TryMakeRoom()))
            {
                return new ReceivedFrame(received.MessageType, TooLarge: true);
            }

            if (received.EndOfMessage)
            {
                return new ReceivedFrame(received.MessageType, TooLarge: false);
            }
        }
    }

    private int Limit(WebSocketMessageType type) =>
        type == WebSocketMessageType.Binary ? _options.MaxAudioFrameBytes : _options.MaxControlFrameBytes;

    private async Task WriteAsync()
    {
        var json = new ArrayBufferWriter<byte>(512);
        await using var writer = new Utf8JsonWriter(json);
        try
        {
            await foreach (var output in _output.Reader.ReadAllAsync(_writerStop.Token))
            {
                var message = output.Message;
                _lastSeq = message.Seq;
                json.ResetWrittenCount();
                writer.Reset(json);
                JsonSerializer.Serialize(writer, message, ClientMessageJsonContext.Default.ClientMessage);
                await _socket.SendAsync(json.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, _writerStop.Token);

                if (output.CloseStatus is { } status)
                {
                    await CloseWithAsync(status, CloseDescription(message), _writerStop.Token);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The socket is gone; the reader notices the same and abandons the session.
        }
    }

    /// <summary>Sends the close frame, and gives the client <see cref="EdgeOptions.CloseTimeout"/> to answer it.</summary>
    private async Task CloseWithAsync(int status, string description, CancellationToken cancellationToken)
    {
        _closedByGateway = true;
        _readerStop.CancelAfter(_options.CloseTimeout);
        await _socket.CloseOutputAsync((WebSocketCloseStatus)status, description, cancellationToken);
    }

    private async Task WriteInternalErrorAsync()
    {
        var error = new ErrorMessage(ErrorCodes.Internal, "The gateway lost this session.") { Seq = _lastSeq + 1 };
        using var deadline = new CancellationTokenSource(_options.CloseTimeout);
        try
        {
            var json = JsonSerializer.SerializeToUtf8Bytes<ClientMessage>(error, ClientMessageJsonContext.Default.ClientMessage);
            await _socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, deadline.Token);
            await CloseWithAsync(CloseStatus.InternalError, ErrorCodes.Internal, deadline.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client is gone as well.
        }
    }

    private static string CloseDescription(ClientMessage message) => message switch
    {
        ErrorMessage error => error.Code,
        ClosedMessage closed => closed.Reason,
        _ => "",
    };

    private async Task AbandonAsync()
    {
        try
        {
            await _session.Abandon();
        }
        catch (Exception ex)
        {
            // The grain also ends itself by its idle timeout.
            LogGrainFailed(_logger, ex);
        }
    }

    private async Task FinishCloseHandshakeAsync()
    {
        _finished = true;
        _output.Writer.TryComplete();
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived && !_closedByGateway)
        {
            // Echo a client's close; tell a client still connected that this edge is going away.
            var (status, reason) = _socket.State == WebSocketState.CloseReceived
                ? (WebSocketCloseStatus.NormalClosure, "")
                : (WebSocketCloseStatus.EndpointUnavailable, "going_away");
            using var deadline = new CancellationTokenSource(_options.CloseTimeout);
            try
            {
                await _socket.CloseOutputAsync(status, reason, deadline.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Nothing more to tell a client that is gone.
            }
        }

        if (_socket.State == WebSocketState.CloseSent)
        {
            // Give the client a moment to answer our close frame before the connection is dropped.
            var buffer = new byte[256];
            using var deadline = new CancellationTokenSource(_options.CloseTimeout);
            try
            {
                while (_socket.State == WebSocketState.CloseSent)
                {
                    await _socket.ReceiveAsync(buffer, deadline.Token);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Dropped without a reply; the connection is closed either way.
            }
        }
    }

    private enum Ending
    {
        /// <summary>The client closed or vanished: the session is abandoned.</summary>
        ClientGone,

        /// <summary>The session ends itself; its last message closes the socket.</summary>
        GatewayCloses,

        /// <summary>A call to the session failed; unless it still says goodbye, the edge reports an internal error.</summary>
        GatewayFailed,
    }

    private readonly record struct ReceivedFrame(WebSocketMessageType Type, bool TooLarge);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping the socket of session {SessionId}: more than {Limit} messages waited for a slow client")]
    private static partial void LogSlowClient(ILogger logger, string sessionId, int limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "A session grain call failed")]
    private static partial void LogGrainFailed(ILogger logger, Exception exception);
}
