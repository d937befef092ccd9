using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using OrleansStt.Client;

namespace OrleansStt.LoadTest;

/// <summary>
/// --raw-backend: one recognition stream spoken straight to a GPU server, or to a plain proxy in front
/// of one (PROTOCOL.md §2). Sends <c>start</c> on connect, audio, then <c>stop</c>; the server's
/// messages are handed on as the client library's types so the rest of the load tool is unchanged:
/// <c>partial</c>/<c>final</c> → transcript, <c>translation</c> → translation, <c>error</c> → error
/// "backend_error", <c>stopped</c> → closed "stopped". §2 has no <c>seq</c>: messages are numbered in
/// arrival order, so the seq-gap check holds trivially. After <c>stopped</c> this side closes the socket
/// (a backend would keep it for the next stream) and reads on until the peer's close frame.
/// </summary>
internal sealed class RawBackendConnection : IStreamConnection
{
    private const string BackendError = "backend_error";

    private static readonly byte[] Stop = """{"type":"stop"}"""u8.ToArray();

    // Shared, as SttSession does, so thousands of sessions reuse one handler.
    private static readonly HttpMessageInvoker SharedInvoker = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.Zero,
        UseCookies = false,
    });

    private readonly ClientWebSocket _socket;
    private readonly string _language;
    private readonly FrameSender _sender;
    private long _seq;

    private readonly TextFrameReader _reader;

    private RawBackendConnection(ClientWebSocket socket, string language)
    {
        _socket = socket;
        _reader = new TextFrameReader(socket, "backend", "§2.2");
        _language = language;
        _sender = new FrameSender(socket, Latency);
    }

    public LatencyTracker Latency { get; } = new(LoadTestOptions.SampleRate);

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Connects and sends <c>start</c>; a refused upgrade throws <see cref="WebSocketException"/>.</summary>
    public static async Task<IStreamConnection> ConnectAsync(Uri url, string sessionId, LoadTestOptions options, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(url, SharedInvoker, cancellationToken).ConfigureAwait(false);
            var start = new BackendStart("start", sessionId, options.Language, options.Translate, LoadTestOptions.SampleRate, "pcm_s16le");
            var json = JsonSerializer.SerializeToUtf8Bytes(start, BackendJsonContext.Default.BackendStart);
            await socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            return new RawBackendConnection(socket, options.Language);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task SendAudioAsync(ReadOnlyMemory<byte> audio) => _sender.SendAudioAsync(audio, CancellationToken.None);

    public Task SendEndOfAudioAsync(CancellationToken cancellationToken) => _sender.SendTextAsync(Stop, cancellationToken);

    public async IAsyncEnumerable<ServerMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await _reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } frame)
        {
            var message = Parse(frame.Utf8.Span, frame.ArrivalTimestamp);
            yield return message;
            if (message is ClosedMessage)
            {
                // The stream is over; the connection is not needed for another. The peer's close frame ends the loop.
                await _sender.CloseOutputAsync().ConfigureAwait(false);
            }
        }

        await _sender.CloseOutputAsync().ConfigureAwait(false);
    }

    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        await _sender.CloseOutputAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    private ServerMessage Parse(ReadOnlySpan<byte> utf8, long arrival)
    {
        BackendMessage? wire;
        try
        {
            wire = JsonSerializer.Deserialize(utf8, BackendJsonContext.Default.BackendMessage);
        }
        catch (JsonException e)
        {
            throw new SttProtocolException($"The backend sent a text frame that is not a JSON object: {e.Message}", Encoding.UTF8.GetString(utf8), e);
        }

        if (wire?.Type is not { } type)
        {
            throw new SttProtocolException("The backend sent a message without \"type\".", Encoding.UTF8.GetString(utf8));
        }

        ServerMessage message;
        try
        {
            message = type switch
            {
                "partial" or "final" => new TranscriptMessage(type == "final", _language, wire.Text ?? "", Required(wire.StartMs, "start_ms"), Required(wire.EndMs, "end_ms")),
                "translation" => new TranslationMessage(Required(wire.IsFinal, "is_final"), wire.Language ?? "", _language, wire.Text ?? "",
                    Required(wire.StartMs, "start_ms"), Required(wire.EndMs, "end_ms")),
                "error" => new ErrorMessage(BackendError, wire.Message ?? ""),
                "stopped" => new ClosedMessage("stopped"),
                _ => new UnknownMessage(type),
            };
        }
        catch (MissingFieldException e)
        {
            throw new SttProtocolException($"The backend sent a \"{type}\" message without \"{e.Message}\".", Encoding.UTF8.GetString(utf8));
        }

        // RawJson is left empty: only notices are read from it, and §2 has none.
        return message with { Seq = ++_seq, ArrivalTimestamp = arrival };
    }

    // Thrown with the field's name as message; Parse turns it into a protocol violation quoting the frame.
    private static T Required<T>(T? value, string field) where T : struct => value ?? throw new MissingFieldException(field);
}
