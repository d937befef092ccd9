using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStt.Grains.Backends;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Interfaces.Backends;
using OrleansStt.Grains.Interfaces.Protocol;

namespace OrleansStt.Grains.Sessions;

/// <summary>
/// Opens and lets go of sessions' GPU streams on this silo: lease from the best-ranked pool grain,
/// a pooled socket, <c>start</c>; on the way out the socket goes back to its pool (after a clean
/// <c>stopped</c>) or is discarded, and the lease is released with any failure reported.
/// </summary>
public sealed partial class GpuStreams(
    IOptions<SttOptions> options,
    BackendDirectory directory,
    BackendConnections connections,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<GpuStreams> logger)
{
    /// <summary>
    /// A stream on the best server not in <paramref name="exclude"/> (servers that fail here are
    /// added), or the error for the client when none can take it. <paramref name="abandoned"/> is
    /// asked after each wait, since a session may end meanwhile: then nothing is kept open.
    /// </summary>
    internal async Task<(GpuStream? Stream, ErrorMessage? Refusal)> OpenAsync(
        string sessionId, BackendStart start, HashSet<string> exclude, bool failover, Func<bool> abandoned)
    {
        string? lastFailure = null;
        foreach (var backendId in directory.Rank(exclude))
        {
            var pool = grains.GetGrain<IBackendPoolGrain>(backendId);
            BackendLease? lease;
            try
            {
                lease = await pool.TryLease(sessionId, failover);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                // The pool's silo just died: its grain comes back elsewhere; try the next server meanwhile.
                LogPoolUnreachable(logger, ex, sessionId, backendId);
                continue;
            }

            if (lease is null)
            {
                continue;
            }

            if (abandoned())
            {
                await ReleaseQuietlyAsync(sessionId, backendId, failure: null);
                return (null, null);
            }

            directory.NoteLeased(backendId);
            var sockets = connections.For(backendId);
            BackendSocket? socket = null;
            try
            {
                using var deadline = new CancellationTokenSource(options.Value.Session.ConnectTimeout);
                socket = await sockets.RentAsync(deadline.Token);
                await socket.StartAsync(start, deadline.Token);
                if (abandoned())
                {
                    sockets.Discard(socket);
                    await ReleaseQuietlyAsync(sessionId, backendId, failure: null);
                    return (null, null);
                }

                return (new GpuStream(lease, socket, time.GetTimestamp()), null);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
            {
                lastFailure = $"{backendId}: {ex.Message}";
                LogConnectFailed(logger, ex, sessionId, backendId);
                if (socket is not null)
                {
                    sockets.Discard(socket);
                }

                exclude.Add(backendId);
                await ReleaseQuietlyAsync(sessionId, backendId, BackendFailure.ConnectFailed);
            }
        }

        return (null, lastFailure is null
            ? new ErrorMessage(ErrorCodes.CapacityExhausted, "Every GPU server is at capacity; try again later.")
            : new ErrorMessage(ErrorCodes.BackendUnavailable, $"No GPU server could be reached (last: {lastFailure})."));
    }

    /// <summary>Renews the lease when a renewal is due; returns when the next one is.</summary>
    internal TimeSpan RenewIfDue(string sessionId, GpuStream stream)
    {
        var now = time.GetTimestamp();
        var due = stream.Lease.RenewEvery - time.GetElapsedTime(stream.RenewedAt, now);
        if (due > TimeSpan.Zero)
        {
            return due;
        }

        stream.RenewedAt = now;
        grains.GetGrain<IBackendPoolGrain>(stream.BackendId).Renew(sessionId).Ignore();
        return stream.Lease.RenewEvery;
    }

    /// <summary>
    /// Returns the socket to its pool when the stream ended <paramref name="cleanly"/> (after
    /// <c>stopped</c>), else discards it; releases the lease, reporting <paramref name="failure"/> if any.
    /// </summary>
    internal async Task LetGoAsync(string sessionId, GpuStream stream, bool cleanly, BackendFailure? failure)
    {
        var sockets = connections.For(stream.BackendId);
        if (cleanly)
        {
            sockets.Return(stream.Socket);
        }
        else
        {
            sockets.Discard(stream.Socket);
        }

        await ReleaseQuietlyAsync(sessionId, stream.BackendId, failure);
    }

    /// <summary>
    /// Releases the lease, reporting <paramref name="failure"/> if any. A pool whose silo just died
    /// cannot answer: the lease then expires unrenewed (PoolOptions.LeaseTtl), so a session never
    /// fails over a release.
    /// </summary>
    private async Task ReleaseQuietlyAsync(string sessionId, string backendId, BackendFailure? failure)
    {
        var pool = grains.GetGrain<IBackendPoolGrain>(backendId);
        try
        {
            if (failure is { } reported)
            {
                await pool.ReportFailure(reported);
            }

            await pool.Release(sessionId);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogPoolUnreachable(logger, ex, sessionId, backendId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} could not reach the pool of GPU server {BackendId}")]
    private static partial void LogPoolUnreachable(ILogger logger, Exception exception, string sessionId, string backendId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} could not open a stream on GPU server {BackendId}")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, string sessionId, string backendId);
}
