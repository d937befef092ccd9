using System.Diagnostics;
using System.Net.WebSockets;

namespace OrleansStt.Client;

/// <summary>
/// One socket of an <see cref="SttSession"/>: a session has one, or two while it moves from a
/// draining edge to the next, and a new one after every resume.
/// </summary>
internal sealed class EdgeLink : IDisposable
{
    // Shared so thousands of sessions reuse one handler; each upgraded connection leaves the pool anyway.
    private static readonly SocketsHttpHandler SharedHandler = new()
    {
        PooledConnectionLifetime = TimeSpan.Zero,
        UseCookies = false,
    };

    private readonly TextFrameReader _reader;
    private Task<TextFrame?>? _pendingRead;

    private EdgeLink(ClientWebSocket socket, int edgeIndex, LatencyTracker latency)
    {
        Socket = socket;
        EdgeIndex = edgeIndex;
        Sender = new FrameSender(socket, latency);
        _reader = new TextFrameReader(socket, "edge", "§1.2");
    }

    public ClientWebSocket Socket { get; }

    /// <summary>Where in <see cref="SttConnectOptions.Edges"/> this socket goes.</summary>
    public int EdgeIndex { get; }

    public FrameSender Sender { get; }

    /// <summary>When the first frame arrived (<see cref="Stopwatch"/> ticks), 0 before: where a resume's silence ends.</summary>
    public long FirstFrameTimestamp { get; private set; }

    /// <exception cref="SttRejectedException">The edge answered the upgrade with an HTTP error.</exception>
    public static async Task<EdgeLink> ConnectAsync(Uri uri, int edgeIndex, string? apiKey, LatencyTracker latency, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            if (apiKey is not null)
            {
                socket.Options.SetRequestHeader("Authorization", $"Bearer {apiKey}");
            }

            var capture = new UpgradeResponseCapture(SharedHandler);
            using var invoker = new HttpMessageInvoker(capture, disposeHandler: false);
            try
            {
                await socket.ConnectAsync(uri, invoker, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException) when (capture.Rejection is { } rejection)
            {
                throw rejection;
            }

            return new EdgeLink(socket, edgeIndex, latency);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The next whole message (valid until the next read), or null at the edge's close frame.</summary>
    public async ValueTask<TextFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        TextFrame? frame;
        if (_pendingRead is { } pending)
        {
            // A read started while two sockets raced (ReadEitherAsync) is this socket's next message.
            _pendingRead = null;
            frame = await pending.ConfigureAwait(false);
        }
        else
        {
            frame = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        if (frame is { } received && FirstFrameTimestamp == 0)
        {
            FirstFrameTimestamp = received.ArrivalTimestamp;
        }

        return frame;
    }

    /// <summary>
    /// Completes when either socket has its next message, close or failure ready, without taking
    /// it: the winner's <see cref="ReadAsync"/> then returns it at once, and the loser's read stays
    /// pending for a later call, so nothing is lost or read twice.
    /// </summary>
    public static async Task<EdgeLink> ReadEitherAsync(EdgeLink first, EdgeLink second, CancellationToken cancellationToken)
    {
        var firstRead = first._pendingRead ??= first._reader.ReadAsync(cancellationToken).AsTask();
        var secondRead = second._pendingRead ??= second._reader.ReadAsync(cancellationToken).AsTask();
        return await Task.WhenAny(firstRead, secondRead).ConfigureAwait(false) == firstRead ? first : second;
    }

    public void Abort() => Socket.Abort();

    public void Dispose() => Socket.Dispose();
}
