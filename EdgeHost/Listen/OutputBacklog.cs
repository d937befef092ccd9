using System.Collections.Concurrent;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// This edge's open output queues, summed at each metrics collection: results waiting for slow
/// clients or a busy edge. Counted at collection rather than per message, so the hot path pays nothing.
/// </summary>
public sealed class OutputBacklog
{
    private readonly ConcurrentDictionary<OutputQueue, byte> _queues = new();

    public OutputBacklog(SttMetrics metrics)
    {
        metrics.Observe("orleansstt.edge.output.queued", "{message}", "Messages waiting in this edge's output queues to be written to client sockets.",
            () => _queues.Keys.Sum(q => q.Count));
        metrics.Observe("orleansstt.edge.output.queued.bytes", "By", "Estimated bytes waiting in this edge's output queues (each socket's is bounded by Stt:Edge:OutputQueueMaxBytes).",
            () => _queues.Keys.Sum(q => q.Bytes));
    }

    public void Add(OutputQueue queue) => _queues.TryAdd(queue, 0);

    public void Remove(OutputQueue queue) => _queues.TryRemove(queue, out _);
}
