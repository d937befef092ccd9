using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace OrleansStt.Client;

/// <summary>
/// One <c>/v1/listen</c> session over a <see cref="ClientWebSocket"/>. Sends may come from any
/// thread (they are serialized); <see cref="ReadAllAsync"/> must have a single reader.
/// </summary>
public sealed class SttSession : IAsyncDisposable
{

    private static readonly byte[] Finalize = Encoding.UTF8.GetBytes("""{"type":"finalize"}""");
    private static readonly byte[] CloseStream = Encoding.UTF8.GetBytes("""{"type":"close_stream"}""");
    private static readonly byte[] Keepalive = Encoding.UTF8.GetBytes("""{"type":"keepalive"}""");

    // Shared so thousands of sessions reuse one handler; each upgraded connection leaves the pool anyway.
    private static readonly SocketsHttpHandler SharedHandler = new()
    {
        PooledConnectionLifetime = TimeSpan.Zero,
        UseCookies = false,
    };

    private readonly ClientWebSocket _socket;
    private readonly FrameSender _sender;

    private readonly TextFrameReader _reader;

    private SttSession(ClientWebSocket socket, SttConnectOptions options)
    {
        _socket = socket;
        _reader = new TextFrameReader(socket, "edge", "§1.2");
        Options = options;
        Latency = new LatencyTracker(options.EffectiveSampleRate);
        _sender = new FrameSender(socket, Latency);
    }

    public SttConnectOptions Options { get; }

    /// <summary>Every <see cref="SendAudioAsync"/> is recorded here, ready to measure results against.</summary>
    public LatencyTracker Latency { get; }

    public WebSocketState State => _socket.State;

    /// <summary>Set once the edge's close frame has been received.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    /// <exception cref="SttRejectedException">The edge answered the upgrade with an HTTP error.</exception>
    public static async Task<SttSession> ConnectAsync(SttConnectOptions options, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        try
        {
            if (options.ApiKey is { } apiKey)
            {
                socket.Options.SetRequestHeader("Authorization", $"Bearer {apiKey}");
            }

            var capture = new UpgradeResponseCapture(SharedHandler);
            using var invoker = new HttpMessageInvoker(capture, disposeHandler: false);
            try
            {
                await socket.ConnectAsync(options.BuildUri(), invoker, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException) when (capture.Rejection is { } rejection)
            {
                throw rejection;
            }

            return new SttSession(socket, options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one binary frame and records its send time in <see cref="Latency"/>.</summary>
    public Task SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken = default) =>
        _sender.SendAudioAsync(audio, cancellationToken);

    public Task SendFinalizeAsync(CancellationToken cancellationToken = default) => _sender.SendTextAsync(Finalize, cancellationToken);

    public Task SendCloseStreamAsync(CancellationToken cancellationToken = default) => _sender.SendTextAsync(CloseStream, cancellationToken);

    public Task SendKeepaliveAsync(CancellationToken cancellationToken = default) => _sender.SendTextAsync(Keepalive, cancellationToken);

    /// <summary>Sends <paramref name="raw"/> as one text frame, unchecked (for malformed-input tests).</summary>
    public Task SendTextAsync(string raw, CancellationToken cancellationToken = default) =>
        _sender.SendTextAsync(Encoding.UTF8.GetBytes(raw), cancellationToken);

    /// <summary>
    /// Yields every message until the edge closes the socket with a close frame (then
    /// <see cref="CloseStatus"/> is set and the close is acknowledged). A connection that breaks
    /// without a close frame throws <see cref="WebSocketException"/>; a frame that breaks the
    /// protocol throws <see cref="SttProtocolException"/>. Stopping early loses nothing: a later
    /// call goes on with the next message. Cancelling <paramref name="cancellationToken"/> while a
    /// receive is pending aborts the connection, as <see cref="ClientWebSocket"/> does.
    /// </summary>
    public async IAsyncEnumerable<ServerMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } frame)
        {
            yield return ServerMessageParser.Parse(frame.Utf8.Span, frame.ArrivalTimestamp);
        }

        if (_socket.State == WebSocketState.CloseReceived)
        {
            await _sender.CloseOutputAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Drops the connection without a close frame, as a client that vanishes would.</summary>
    public void Abort() => _socket.Abort();

    /// <summary>Closes politely (1000) if the socket is still open, then releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _sender.CloseOutputAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
