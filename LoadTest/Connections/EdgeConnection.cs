using System.Net.WebSockets;
using OrleansStt.Client;

namespace OrleansStt.LoadTest;

/// <summary>The default: a <c>/v1/listen</c> session through an OrleansStt edge (PROTOCOL.md §1).</summary>
internal sealed class EdgeConnection(SttSession session) : IStreamConnection
{
    public LatencyTracker Latency => session.Latency;

    public WebSocketCloseStatus? CloseStatus => session.CloseStatus;

    public static async Task<IStreamConnection> ConnectAsync(SttConnectOptions options, CancellationToken cancellationToken) =>
        new EdgeConnection(await SttSession.ConnectAsync(options, cancellationToken).ConfigureAwait(false));

    public Task SendAudioAsync(ReadOnlyMemory<byte> audio) => session.SendAudioAsync(audio);

    public Task SendEndOfAudioAsync(CancellationToken cancellationToken) => session.SendCloseStreamAsync(cancellationToken);

    public IAsyncEnumerable<ServerMessage> ReadAllAsync(CancellationToken cancellationToken) => session.ReadAllAsync(cancellationToken);

    public void Abort() => session.Abort();

    public ValueTask DisposeAsync() => session.DisposeAsync();
}
