using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;

namespace OrleansStt.InferenceSim;

/// <summary>
/// The single writer of one connection. Messages leave in the order they were queued, each no earlier
/// than its due time, so the receive loop never waits for a send or for the processing delay.
/// Queueing is for the receive loop only, except <see cref="Fail"/>; <see cref="RunAsync"/> is the only sender.
/// </summary>
internal sealed class OutboundQueue : IDisposable
{
    /// <summary>A due time that has always passed.</summary>
    public const long Immediately = 0;

    // How long a peer gets to answer our close frame before its socket is dropped.
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket socket;
    private readonly SimulatorFaults faults;
    private readonly TimeProvider time;

    // Two writers: the receive loop and FailStreams.
    private readonly Channel<Outbound> channel = Channel.CreateUnbounded<Outbound>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    // Reused for every message so serialising costs only the payload array the channel has to hold.
    private readonly ArrayBufferWriter<byte> buffer = new(256);
    private readonly Utf8JsonWriter json;
    private readonly CancellationTokenSource discard = new();
    private readonly CancellationTokenSource closeHandshake = new();
    private int closing;

    public OutboundQueue(WebSocket socket, SimulatorFaults faults, TimeProvider time)
    {
        this.socket = socket;
        this.faults = faults;
        this.time = time;
        json = new Utf8JsonWriter(buffer);
    }

    /// <summary>True once a close frame is queued; nothing is queued after it.</summary>
    public bool IsClosing => Volatile.Read(ref closing) != 0;

    /// <summary>Cancelled when the peer took too long to answer our close frame.</summary>
    public CancellationToken CloseHandshakeExpired => closeHandshake.Token;

    public void Enqueue<T>(T message, JsonTypeInfo<T> typeInfo, long dueTimestamp)
    {
        // A stalled server's output is lost, not delayed: nothing produced now is sent after the stall.
        if (IsClosing || discard.IsCancellationRequested || faults.Stall)
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
        if (TryBeginClosing())
        {
            channel.Writer.TryWrite(new Outbound(null, Immediately, status, description));
            channel.Writer.TryComplete();
        }
    }

    /// <summary>
    /// Any thread (<see cref="SimulatorFaults.FailStreams"/>): drops pending results, then sends an
    /// <c>error</c> and closes with 1011, even while stalled.
    /// </summary>
    public void Fail(string message)
    {
        // Serialised apart from the shared buffer, which belongs to the receive loop.
        var error = JsonSerializer.SerializeToUtf8Bytes(new ErrorMessage(message), SimulatorJsonContext.Default.ErrorMessage);
        if (TryBeginClosing())
        {
            Discard();
            channel.Writer.TryWrite(new Outbound(error, Immediately, WebSocketCloseStatus.InternalServerError, "stream failed"));
            channel.Writer.TryComplete();
        }
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
                if (item.CloseStatus is { } closeStatus)
                {
                    // A closing item's message is the connection's last word, sent whatever was discarded.
                    if (item.Payload is not null)
                    {
                        await SendTextAsync(item.Payload, aborted);
                    }

                    await CloseAsync(closeStatus, item.CloseDescription, aborted);
                    continue;
                }

                await WaitUntilDueAsync(item.DueTimestamp);
                if (!discard.IsCancellationRequested && !faults.Stall)
                {
                    await SendTextAsync(item.Payload, aborted);
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

    private bool TryBeginClosing() => Interlocked.Exchange(ref closing, 1) == 0;

    private void Discard() => discard.Cancel();

    private ValueTask SendTextAsync(ReadOnlyMemory<byte> payload, CancellationToken aborted) =>
        socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, aborted);

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

    /// <summary>A text payload, or (when <see cref="CloseStatus"/> is set) a close frame after the optional payload.</summary>
    private readonly record struct Outbound(
        byte[]? Payload,
        long DueTimestamp,
        WebSocketCloseStatus? CloseStatus,
        string? CloseDescription);
}
