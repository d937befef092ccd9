using System.Net.WebSockets;
using System.Threading.Channels;
using OrleansStt.Grains.Backends;
using OrleansStt.Grains.Backends.Messages;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Grains.Sessions;

/// <summary>
/// One recognition stream a session runs on one GPU server: the lease that allows it, the pooled
/// socket it runs on, and when the lease was last renewed. Opened and let go by <see cref="GpuStreams"/>.
/// </summary>
internal sealed class GpuStream(BackendLease lease, BackendSocket socket, long leasedAt)
{
    public BackendLease Lease { get; } = lease;

    public BackendSocket Socket { get; } = socket;

    public string BackendId => Lease.BackendId;

    public ChannelReader<BackendMessage> Results => Socket.Results;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last lease renewal.</summary>
    public long RenewedAt { get; set; } = leasedAt;

    // Static, with the audio passed alongside: a capturing lambda would cost an allocation per frame.
    public ValueTask<bool> TrySendAudioAsync(ReadOnlyMemory<byte> audio) => TrySendAsync(static (s, a) => s.SendAudioAsync(a, default), audio);

    public ValueTask<bool> TrySendFinalizeAsync() => TrySendAsync(static (s, _) => s.SendFinalizeAsync(default), default);

    public ValueTask<bool> TrySendStopAsync() => TrySendAsync(static (s, _) => s.SendStopAsync(default), default);

    /// <summary>False when the socket failed: the session then moves to another server.</summary>
    private async ValueTask<bool> TrySendAsync(Func<BackendSocket, ReadOnlyMemory<byte>, ValueTask> send, ReadOnlyMemory<byte> audio)
    {
        try
        {
            // Started inside the try: a socket that is already gone may throw before it returns a task.
            await send(Socket, audio);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }
}
