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

    public ValueTask<bool> TrySendAudioAsync(ReadOnlyMemory<byte> audio) => TrySendAsync(Socket.SendAudioAsync(audio, default));

    public ValueTask<bool> TrySendFinalizeAsync() => TrySendAsync(Socket.SendFinalizeAsync(default));

    public ValueTask<bool> TrySendStopAsync() => TrySendAsync(Socket.SendStopAsync(default));

    /// <summary>False when the socket failed: the session then moves to another server.</summary>
    private static async ValueTask<bool> TrySendAsync(ValueTask send)
    {
        try
        {
            await send;
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }
}
