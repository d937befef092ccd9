using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Grains.Interfaces.Delivery;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.EdgeHost.Sessions;
using OrleansStt.Grains.Interfaces.Sessions;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// One client socket: a reader that forwards frames to the session, and a writer that sends what
/// the session published. The session decides every message and when the socket closes; this
/// class only moves bytes and refuses what is malformed or too large.
/// </summary>
public sealed partial class ClientConnection
{
    private readonly EdgeOptions _options;
    private readonly ILogger _logger;
    private readonly SttMetrics _metrics;
    private readonly OutputBacklog _backlog;
    private readonly TimeProvider _time;
    private readonly OutputQueue _output;
    private readonly CancellationTokenSource _writerStop = new();
    private readonly CancellationTokenSource _readerStop = new();
    private WebSocket? _socket;
    private long _lastWrittenSeq;
    private int _droppedAsSlow;

    // Set once the writer has sent the session's last message (or the 4000 of a resume elsewhere) and a close frame.
    private volatile bool _closedByGateway;
    private volatile bool _superseded;

    // Set when the runtime's WebSocket failed a client frame: it has sent its close frame and reads no more.
    private bool _clientFrameFailed;

    public ClientConnection(EdgeOptions options, ILogger logger, SttMetrics metrics, OutputBacklog backlog, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _backlog = backlog;
        _time = time;
        _output = new OutputQueue(options.OutputQueueLimit, options.OutputQueueMaxBytes);
    }

    /// <summary>Where the session's output goes; written by <see cref="EdgeSession.Deliver"/>.</summary>
    public ChannelWriter<SessionOutput> Output => _output;

    /// <summary>The client reads slower than its results arrive; keeping up would need unbounded memory.</summary>
    public void OnOutputOverflow(string sessionId)
    {
        // Results keep arriving until the abort is seen: one line per socket, not one per result.
        if (_socket is { } socket && !_closedByGateway && !_output.IsCompleted && Interlocked.Exchange(ref _droppedAsSlow, 1) == 0)
        {
            LogSlowClient(_logger, sessionId, _options.OutputQueueLimit, _output.Bytes, _options.OutputQueueMaxBytes);
            socket.Abort();
        }
    }

    /// <summary>
    /// Serves the socket for <paramref name="session"/>, which <paramref name="start"/> opens (false
    /// when it refused: its error is on the way). <paramref name="drained"/> fires when this edge
    /// stops waiting for clients to move elsewhere. Disposes <paramref name="socket"/> when done.
    /// </summary>
    public async Task RunAsync(WebSocket socket, UpgradedConnection? upgraded, EdgeSession session, Func<Task<bool>> start, CancellationToken drained)
    {
        _socket = socket;
        _backlog.Add(_output);
        var answeredFailedFrame = false;
        try
        {
            await ServeAsync(socket, session, start, drained);
            if (_clientFrameFailed && upgraded is not null)
            {
                await upgraded.DrainAsync(_options.CloseTimeout);
                answeredFailedFrame = true;
            }
        }
        finally
        {
            _backlog.Remove(_output);
            // Disposing a WebSocket the runtime failed resets the connection (UpgradedConnection says
            // why); once drained, the connection ends cleanly without it, and the collector takes the rest.
            if (!answeredFailedFrame)
            {
                socket.Dispose();
            }
        }
    }

    private async Task ServeAsync(WebSocket socket, EdgeSession session, Func<Task<bool>> start, CancellationToken drained)
    {
        LogAccepted(_logger, session.SessionId);
        var writer = WriteAsync(socket);
        var ending = Ending.GatewayCloses;
        try
        {
            if (await start())
            {
                ending = await ReadAsync(socket, session, drained);
            }
        }
        catch (SocketSupersededException)
        {
            // Another socket resumed the session; its 4000 for this one is on its way to the writer.
            ending = Ending.GatewayCloses;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSessionFailed(_logger, ex, session.SessionId);
            ending = Ending.GatewayFailed;
        }

        switch (ending)
        {
            case Ending.ClientGone or Ending.Drained:
                // The session waits for the client to resume, here or on another edge.
                await DetachAsync(session);
                await _writerStop.CancelAsync();
                break;
            case Ending.GatewayCloses or Ending.GatewayFailed:
                // The session's last message may be on its way; the writer closes the socket after it.
                _writerStop.CancelAfter(_options.CloseTimeout);
                break;
        }

        await writer;
        if (ending == Ending.GatewayFailed && !_closedByGateway)
        {
            // The session could not be reached or rebuilt: the edge says so itself.
            await WriteInternalErrorAsync(socket, _lastWrittenSeq + 1);
        }

        if (ending is Ending.GatewayCloses or Ending.GatewayFailed && !_superseded)
        {
            // The session has ended: nothing it logged is needed any more.
            await DetachAsync(session);
        }

        await FinishCloseHandshakeAsync(socket, ending == Ending.Drained);
    }

    /// <summary>Forwards client frames until the socket ends; says why it ended.</summary>
    private async Task<Ending> ReadAsync(WebSocket socket, EdgeSession session, CancellationToken drained)
    {
        var closeStreamSent = false;
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(drained, _readerStop.Token);
        using var frames = new FrameBuffer(Math.Max(_options.MaxAudioFrameBytes, _options.MaxControlFrameBytes));
        using var pacer = new AudioPacer(_options.MaxAudioSpeed, _options.AudioBurst);
        try
        {
            while (!_closedByGateway)
            {
                var frame = await ReceiveFrameAsync(socket, frames, reading.Token);
                switch (frame.Type)
                {
                    case WebSocketMessageType.Close:
                        return ByGatewayOr(Ending.ClientGone);
                    case var _ when frame.TooLarge:
                        await session.RejectAsync(new InputRejection(
                            ErrorCodes.PayloadTooLarge,
                            $"A {(frame.Type == WebSocketMessageType.Binary ? "binary" : "text")} frame exceeded {Limit(frame.Type)} bytes.",
                            EndsSession: true));
                        return Ending.GatewayCloses;
                    // After close_stream the session only flushes: late audio and commands are ignored
                    // (docs/protocol.md), since the session may already have ended.
                    case WebSocketMessageType.Binary when !closeStreamSent:
                        _metrics.AudioFrames.Add(1);
                        await pacer.WaitAsync(frames.Received.Length, session.SampleRate, reading.Token);
                        await session.SendAudioAsync(frames.Received.ToArray());
                        break;
                    case WebSocketMessageType.Text when !closeStreamSent:
                        closeStreamSent = await OnCommandAsync(session, frames.Received.ToArray());
                        break;
                }
            }

            return ByGatewayOr(Ending.GatewayCloses);
        }
        catch (OperationCanceledException) when (drained.IsCancellationRequested && !_closedByGateway)
        {
            return Ending.Drained;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client vanished, sent a frame the WebSocket failed (invalid UTF-8, a broken header), or the
            // gateway closed the socket and the client did not answer.
            // Failed while the client's close had already come (a malformed close frame) leaves nothing to wait for.
            _clientFrameFailed = ex is WebSocketException { WebSocketErrorCode: WebSocketError.Faulted } && socket.State == WebSocketState.Aborted;
            return ByGatewayOr(Ending.ClientGone);
        }
    }

    private Ending ByGatewayOr(Ending otherwise) =>
        _superseded ? Ending.Superseded : _closedByGateway ? Ending.GatewayCloses : otherwise;

    /// <summary>Handles one control frame; true when it was <c>close_stream</c>.</summary>
    private static async Task<bool> OnCommandAsync(EdgeSession session, byte[] json)
    {
        ClientCommand? command;
        try
        {
            command = JsonSerializer.Deserialize(json, EdgeJsonContext.Default.ClientCommand);
        }
        catch (JsonException ex)
        {
            await session.RejectAsync(new InputRejection(ErrorCodes.BadRequest, $"The text frame is not a JSON object: {ex.Message}", EndsSession: false));
            return false;
        }

        switch (command?.Type)
        {
            case null:
                await session.RejectAsync(new InputRejection(ErrorCodes.BadRequest, "The JSON message has no \"type\".", EndsSession: false));
                return false;
            case "finalize":
                await session.FinalizeAsync();
                return false;
            case "close_stream":
                await session.CloseStreamAsync();
                return true;
            case "keepalive":
                await session.KeepaliveAsync();
                return false;
            default:
                return false; // Unknown types are ignored (PROTOCOL: readers ignore unknown types).
        }
    }

    private async Task<ReceivedFrame> ReceiveFrameAsync(WebSocket socket, FrameBuffer frames, CancellationToken cancellationToken)
    {
        frames.Reset();
        while (true)
        {
            var received = await socket.ReceiveAsync(frames.Free, cancellationToken);
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

    private async Task WriteAsync(WebSocket socket)
    {
        var json = new ArrayBufferWriter<byte>(512);
        await using var writer = new Utf8JsonWriter(json);
        try
        {
            await foreach (var output in _output.Reader.ReadAllAsync(_writerStop.Token))
            {
                _output.Taken(output);
                if (output.Message is not { } message)
                {
                    // PROTOCOL §1.3: the client resumed on another socket; this one gets nothing more.
                    _superseded = true;
                    await CloseWithAsync(socket, output.CloseStatus ?? CloseStatus.Superseded, "superseded", _writerStop.Token);
                    return;
                }

                json.ResetWrittenCount();
                writer.Reset(json);
                JsonSerializer.Serialize(writer, message, ClientMessageJsonContext.Default.ClientMessage);
                await socket.SendAsync(json.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, _writerStop.Token);
                _lastWrittenSeq = message.Seq;
                // The histogram first: a scrape that sees a message counted sees it timed.
                if (output.PublishedAtUnixMs > 0)
                {
                    _metrics.DeliveryDuration.Record(Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - output.PublishedAtUnixMs) / 1000.0);
                }

                CountSent(message);

                if (output.CloseStatus is { } status)
                {
                    await CloseWithAsync(socket, status, CloseDescription(message), _writerStop.Token);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The socket is gone; the reader notices the same.
        }
    }

    /// <summary>Sends the close frame, and gives the client <see cref="EdgeOptions.CloseTimeout"/> to answer it.</summary>
    private async Task CloseWithAsync(WebSocket socket, int status, string description, CancellationToken cancellationToken)
    {
        _closedByGateway = true;
        _readerStop.CancelAfter(_options.CloseTimeout);
        await socket.CloseOutputAsync((WebSocketCloseStatus)status, description, cancellationToken);
    }

    private async Task WriteInternalErrorAsync(WebSocket socket, long seq)
    {
        var error = new ErrorMessage(ErrorCodes.Internal, "The gateway lost this session.") { Seq = seq };
        using var deadline = new CancellationTokenSource(_options.CloseTimeout);
        try
        {
            var json = JsonSerializer.SerializeToUtf8Bytes<ClientMessage>(error, ClientMessageJsonContext.Default.ClientMessage);
            await socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, deadline.Token);
            CountSent(error);
            await CloseWithAsync(socket, CloseStatus.InternalError, ErrorCodes.Internal, deadline.Token);
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

    private async Task DetachAsync(EdgeSession session)
    {
        try
        {
            await session.DetachAsync();
        }
        catch (Exception ex)
        {
            // The session also ends itself when its grace period or idle timeout passes.
            LogSessionFailed(_logger, ex, session.SessionId);
        }
    }

    private async Task FinishCloseHandshakeAsync(WebSocket socket, bool drained)
    {
        _output.TryComplete();
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived && !_closedByGateway)
        {
            // Echo a client's close; tell a client still connected that this edge is going away.
            var (status, reason) = socket.State == WebSocketState.CloseReceived && !drained
                ? (WebSocketCloseStatus.NormalClosure, "")
                : (WebSocketCloseStatus.EndpointUnavailable, "going_away");
            using var deadline = new CancellationTokenSource(_options.CloseTimeout);
            try
            {
                await socket.CloseOutputAsync(status, reason, deadline.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Nothing more to tell a client that is gone.
            }
        }

        if (socket.State == WebSocketState.CloseSent)
        {
            // Give the client a moment to answer our close frame before the connection is dropped.
            var buffer = new byte[256];
            using var deadline = new CancellationTokenSource(_options.CloseTimeout);
            try
            {
                while (socket.State == WebSocketState.CloseSent)
                {
                    await socket.ReceiveAsync(buffer, deadline.Token);
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
        /// <summary>The client closed or vanished: the session waits for a resume.</summary>
        ClientGone,

        /// <summary>This edge is shutting down and the client did not move in time: it is told to go away, and may resume elsewhere.</summary>
        Drained,

        /// <summary>The client resumed on another socket, which now owns the session.</summary>
        Superseded,

        /// <summary>The session ends itself; its last message closes the socket.</summary>
        GatewayCloses,

        /// <summary>The session could not be reached or rebuilt; unless it still says goodbye, the edge reports an internal error.</summary>
        GatewayFailed,
    }

    private void CountSent(ClientMessage message)
    {
        _metrics.MessagesOut.Add(1, new KeyValuePair<string, object?>("type", TypeOf(message)));
        if (message is ErrorMessage error)
        {
            // Error codes are the protocol's short list, so they make a bounded label.
            _metrics.Errors.Add(1, new KeyValuePair<string, object?>("code", error.Code));
        }
    }

    private static string TypeOf(ClientMessage message) => message switch
    {
        TranscriptMessage { IsFinal: true } => "final",
        TranscriptMessage => "partial",
        TranslationMessage => "translation",
        NoticeMessage => "notice",
        ErrorMessage => "error",
        ClosedMessage => "closed",
        SessionMessage => "session",
        _ => "other",
    };

    private readonly record struct ReceivedFrame(WebSocketMessageType Type, bool TooLarge);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping the socket of session {SessionId}: a slow client let its queue fill (limits {Limit} messages, {MaxBytes} bytes; {Bytes} bytes queued)")]
    private static partial void LogSlowClient(ILogger logger, string sessionId, int limit, long bytes, long maxBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId}: client socket accepted")]
    private static partial void LogAccepted(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} failed at the edge")]
    private static partial void LogSessionFailed(ILogger logger, Exception exception, string sessionId);
}
