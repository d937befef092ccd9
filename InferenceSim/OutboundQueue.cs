using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;

namespace OrleansStt.InferenceSim;

/// <summary>
/// The single writer of one connection. Messages leave in the order they were queued, each no earlier
/// than its due time, so the receive loop never waits for a send or for the processing delay.
/// Queueing is for the receive loop only; <see cref="RunAsync"/> is the only sender.
/// </summary>
internal sealed class OutboundQueue : IDisposable
{
    /// <summary>A due time that has always passed.</summary>
    public const long Immediately = 0;

    // How long a peer gets to answer our close frame before its socket is dropped.
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket socket;
    private readonly TimeProvider time;
    private readonly Channel<Outbound> channel = Channel.CreateUnbounded<Outbound>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    // Reused for every message so serialising costs only the payload array the channel has to hold.
    private readonly ArrayBufferWriter<byte> buffer = new(256);
    private readonly Utf8JsonWriter json;
    private readonly CancellationTokenSource discard = new();
    private readonly CancellationTokenSource closeHandshake = new();

    public OutboundQueue(WebSocket socket, TimeProvider time)
    {
        this.socket = socket;
        this.time = time;
        json = new Utf8JsonWriter(buffer);
    }

    /// <summary>True once a close frame is queued; nothing is queued after it.</summary>
    public bool IsClosing { get; private set; }

    /// <summary>Cancelled when the peer took too long to answer our close frame.</summary>
    public CancellationToken CloseHandshakeExpired => closeHandshake.Token;

    public void Enqueue<T>(T message, JsonTypeInfo<T> typeInfo, long dueTimestamp)
    {
        if (IsClosing || discard.IsCancellationRequested)
        {
            return;
        }

        buffer.ResetWrittenCount();
        json.Reset();
        JsonSerializer.Serialize(json, message, typeInfo);
        json.Flush();
        channel.Writer.TryWrite(new Outbound(buffer.WrittenSpan.ToArray(), dueTimestamp, default, null));
    }

    /// <summary>Closes after everything queued so far has been sent.</summary>
    public void EnqueueClose(WebSocketCloseStatus status, string description)
    {
        if (IsClosing)
        {
            return;
        }

        IsClosing = true;
        channel.Writer.TryWrite(new Outbound(null, Immediately, status, description));
        channel.Writer.TryComplete();
    }

    /// <summary>The peer sent its close frame: drop pending results and answer it.</summary>
    public void OnPeerClosed()
    {
        Discard();
        EnqueueClose(WebSocketCloseStatus.NormalClosure, string.Empty);
    }

    /// <summary>The socket is unusable: drop everything and let <see cref="RunAsync"/> finish.</summary>
    public void Abandon()
    {
        Discard();
        channel.Writer.TryComplete();
    }

    /// <summary>Sends until the queue is completed; never throws for a broken socket.</summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        using var abortRegistration = aborted.Register(Discard);
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (item.Payload is null)
                {
                    await CloseAsync(item.CloseStatus, item.CloseDescription, aborted);
                    continue;
                }

                await WaitUntilDueAsync(item.DueTimestamp);
                if (!discard.IsCancellationRequested)
                {
                    await socket.SendAsync(item.Payload, WebSocketMessageType.Text, endOfMessage: true, aborted);
                }
            }
        }
        catch (Exception ex) when (StreamConnection.IsConnectionFailure(ex))
        {
            // Make sure the receive loop notices a socket that failed while sending.
            Discard();
            socket.Abort();
        }
    }

    public void Dispose()
    {
        json.Dispose();
        discard.Dispose();
        closeHandshake.Dispose();
    }

    private void Discard() => discard.Cancel();

    private async Task WaitUntilDueAsync(long dueTimestamp)
    {
        if (discard.IsCancellationRequested)
        {
            return;
        }

        var wait = time.GetElapsedTime(time.GetTimestamp(), dueTimestamp);
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(wait, time, discard.Token);
        }
        catch (OperationCanceledException) when (discard.IsCancellationRequested)
        {
            // Discarding: the caller drops the message.
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string? description, CancellationToken aborted)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(status, description, aborted);
            closeHandshake.CancelAfter(CloseHandshakeTimeout);
        }
    }

    /// <summary>A text payload, or (when <see cref="Payload"/> is null) a close frame.</summary>
    private readonly record struct Outbound(
        byte[]? Payload,
        long DueTimestamp,
        WebSocketCloseStatus CloseStatus,
        string? CloseDescription);
}
