using System.Collections.Concurrent;
using Orleans.Streams;
using OrleansStt.EdgeHost.Listen;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Grains.Interfaces.Delivery;

namespace OrleansStt.EdgeHost.Delivery;

/// <summary>
/// Subscribes to this edge's delivery stream and hands each message to its session's socket.
/// Started after the Orleans client or co-hosted silo, stopped before them.
/// </summary>
public sealed partial class OutputRouter(IClusterClient cluster, EdgeIdentity edge, IOptions<EdgeOptions> options, ILogger<OutputRouter> logger)
    : IHostedService, IAsyncObserver<OutputBatch>
{
    private readonly ConcurrentDictionary<string, ClientConnection> _connections = new(StringComparer.Ordinal);
    private readonly List<StreamSubscriptionHandle<OutputBatch>> _subscriptions = [];

    public void Register(string sessionId, ClientConnection connection) => _connections[sessionId] = connection;

    public void Unregister(string sessionId) => _connections.TryRemove(sessionId, out _);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var provider = cluster.GetStreamProvider(DeliveryStreams.ProviderName);
        var lanes = options.Value.DeliveryStreams;
        for (var lane = 0; lane < lanes; lane++)
        {
            _subscriptions.Add(await provider.GetStream<OutputBatch>(DeliveryStreams.ForEdge(edge.Id, lane)).SubscribeAsync(this));
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
            if (_connections.TryGetValue(output.SessionId, out var connection))
            {
                connection.Deliver(output);
            }
        }

        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, edge.Id);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Edge {EdgeId} stops without unsubscribing from its delivery streams: the cluster did not answer")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception, string edgeId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The delivery stream of edge {EdgeId} failed")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string edgeId);
}
