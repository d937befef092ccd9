using System.Collections.Concurrent;
using Orleans.Streams;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Sessions;
using OrleansStt.Grains.Interfaces.Delivery;

namespace OrleansStt.EdgeHost.Delivery;

/// <summary>
/// Subscribes to this edge's delivery streams and hands each message to the session linked under
/// the message's link number. Started after the Orleans client or co-hosted silo, stopped before them.
/// </summary>
public sealed partial class OutputRouter(IClusterClient cluster, EdgeIdentity edge, IOptions<EdgeOptions> options, TimeProvider time, ILogger<OutputRouter> logger)
    : IHostedService, IAsyncObserver<OutputBatch>
{
    private long _disruptedAt = long.MinValue;

    private readonly ConcurrentDictionary<long, EdgeSession> _sessions = new();
    private readonly List<StreamSubscriptionHandle<OutputBatch>> _subscriptions = [];

    /// <summary>Every session with a socket on this edge, once each (a rebuilt one may be routed under two links for a while).</summary>
    public IReadOnlyCollection<EdgeSession> Sessions => _sessions.Values.Distinct().ToList();

    /// <summary>Routes output addressed to the session's current link to it (a rebuilt session registers its new link too).</summary>
    public void Register(EdgeSession session) => _sessions[session.Link.Id] = session;

    public void Unregister(long link) => _sessions.TryRemove(link, out _);

    /// <summary>Something was lost on the way to this edge: a seq gap, or a session that could not be reached.</summary>
    public void NoteDisruption() => Volatile.Write(ref _disruptedAt, time.GetTimestamp());

    /// <summary>
    /// Whether quiet sessions are worth asking what they published: only for a while after a loss was
    /// seen. Otherwise a quiet session is late, not lost, and asking every one of them on a busy edge
    /// would only add to the load that makes them late (measured: docs/benchmarks.md).
    /// </summary>
    public bool RecentlyDisrupted
    {
        get
        {
            var at = Volatile.Read(ref _disruptedAt);
            return at != long.MinValue && time.GetElapsedTime(at) < options.Value.AuditAfterDisruption;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var provider = cluster.GetStreamProvider(DeliveryStreams.ProviderName);
        for (var index = 0; index < options.Value.DeliveryStreams; index++)
        {
            _subscriptions.Add(await provider.GetStream<OutputBatch>(DeliveryStreams.ForEdge(edge.Id, index)).SubscribeAsync(this));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var subscription in _subscriptions)
        {
            try
            {
                await subscription.UnsubscribeAsync().WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException or OperationCanceledException)
            {
                // The cluster is gone or unreachable (a whole deployment stopping, a partition):
                // its subscription records go with it, and an edge must still shut down cleanly
                // within the host's shutdown time.
                LogUnsubscribeFailed(logger, ex, edge.Id);
                return;
            }
        }
    }

    public Task OnNextAsync(OutputBatch batch, StreamSequenceToken? token = null)
    {
        foreach (var output in batch.Items)
        {
            if (_sessions.TryGetValue(output.Link, out var session))
            {
                session.Deliver(output);
            }
        }

        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, edge.Id);
        // Events may have been skipped (a cursor that fell behind the queue cache's retention): a
        // session's last messages have no later seq to reveal the gap, so the audit asks for them.
        NoteDisruption();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Edge {EdgeId} stops without unsubscribing from its delivery streams: the cluster did not answer")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception, string edgeId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A delivery stream of edge {EdgeId} failed")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string edgeId);
}
