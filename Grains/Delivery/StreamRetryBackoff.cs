using Orleans.Internal;
using Orleans.Runtime.Providers;

namespace OrleansStt.Grains.Delivery;

/// <summary>
/// How long a stream pulling agent waits before it reads a queue again after a failed read, or
/// delivers to an edge again after a failed delivery: doubling from <paramref name="first"/> up to
/// <paramref name="longest"/>. Orleans' defaults (10–20 s between reads, 1–30 s between
/// deliveries) are sized for durable queues; a memory-stream queue whose silo died is back as soon
/// as the silo is declared dead, and every session on that queue waits out the backoff
/// (docs/delivery.md). Orleans' own exponential backoff is internal, hence this small class.
/// </summary>
public sealed class StreamRetryBackoff(TimeSpan first, TimeSpan longest) : IMessageDeliveryBackoffProvider, IQueueReaderBackoffProvider
{
    public TimeSpan Next(int attempt)
    {
        var doubled = first * Math.Pow(2, Math.Clamp(attempt, 0, 16));
        return doubled < longest ? doubled : longest;
    }
}
