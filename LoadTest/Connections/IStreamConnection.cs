using System.Net.WebSockets;
using OrleansStt.Client;

namespace OrleansStt.LoadTest;

/// <summary>
/// What a load session needs of its socket, whichever protocol it speaks: the client protocol through
/// an edge (<see cref="EdgeConnection"/>) or, with --raw-backend, the GPU server protocol
/// (<see cref="RawBackendConnection"/>). Messages arrive as the client library's types, so pacing,
/// latency, metrics and reports are the same code for both.
/// </summary>
internal interface IStreamConnection : IAsyncDisposable
{
    /// <summary>Every <see cref="SendAudioAsync"/> is recorded here, ready to measure results against.</summary>
    LatencyTracker Latency { get; }

    /// <summary>Set once the peer's close frame has been received.</summary>
    WebSocketCloseStatus? CloseStatus { get; }

    /// <summary>One binary frame; sends are serialized, so any thread may call.</summary>
    Task SendAudioAsync(ReadOnlyMemory<byte> audio);

    /// <summary>No more audio: <c>close_stream</c> to an edge, <c>stop</c> to a backend.</summary>
    Task SendEndOfAudioAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every message until the peer's close frame; the last one of a session that ended well is a
    /// <see cref="ClosedMessage"/>. Throws <see cref="WebSocketException"/> on a broken connection and
    /// <see cref="SttProtocolException"/> on a frame the protocol does not allow. Single reader.
    /// </summary>
    IAsyncEnumerable<ServerMessage> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Drops the connection without a close frame.</summary>
    void Abort();
}
