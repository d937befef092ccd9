using System.Diagnostics;
using System.Net.WebSockets;

namespace OrleansStt.Client;

/// <summary>
/// The one writer of a WebSocket: frames go out one at a time, the send time of each frame sent
/// with <see cref="SendAudioAsync"/> is recorded in the order the frames go out, and the close
/// frame is sent at most once without waiting long behind a send stuck on a dead peer.
/// </summary>
public sealed class FrameSender(WebSocket socket, LatencyTracker latency)
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    // Left undisposed: a send racing the socket's disposal must fail on the socket, not on the lock.
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Sends one binary frame and records its send time in the latency tracker.</summary>
    public async Task SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Taken before the send: time spent waiting for the socket is part of what the user waits for.
            latency.RecordSent(audio.Length, Stopwatch.GetTimestamp());
            await socket.SendAsync(audio, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Sends one binary frame without recording it: an <see cref="SttSession"/> records a frame's
    /// first send itself, before waiting out a resume, and sends some frames again after one.
    /// </summary>
    public Task SendBinaryAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken) =>
        SendAsync(audio, WebSocketMessageType.Binary, cancellationToken);

    public Task SendTextAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken) =>
        SendAsync(utf8, WebSocketMessageType.Text, cancellationToken);

    private async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(data, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Sends this side's close frame (1000) while the socket still takes one; a broken or stuck socket is left to dispose.</summary>
    public async Task CloseOutputAsync()
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await _lock.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The peer dropped the connection right after its close frame: the close status is known already.
        }
        finally
        {
            _lock.Release();
        }
    }
}
