using Microsoft.Extensions.Configuration;

namespace OrleansStt.Grains.Configuration;

/// <summary>How results travel back to edges on Orleans memory streams (measured in docs/delivery.md).</summary>
public sealed class DeliveryOptions
{
    /// <summary>How often stream pulling agents look for new results: the floor of delivery latency.</summary>
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Stream queues per cluster, each with its own pulling agent; edges' streams hash onto them.</summary>
    public int Queues { get; set; } = 8;

    /// <summary>
    /// Stream events a pulling agent takes from a queue per poll. Orleans' default is sized for
    /// durable queues; at our rates it caps delivery at a few thousand events per second per queue.
    /// </summary>
    public int MaxDequeue { get; set; } = 1024;

    /// <summary>The most results one stream event carries.</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>
    /// Stream events a pulling agent hands to a consumer in one delivery call. Orleans' default of 1
    /// costs a round trip per event, which capped a separate edge at a few hundred events per second.
    /// </summary>
    public int EventsPerDelivery { get; set; } = 64;

    /// <summary>
    /// After a failed read of a stream queue or a failed delivery to an edge, the pulling agent
    /// tries again after this, doubling up to <see cref="RetryLongest"/>. A queue whose silo died
    /// answers again once that silo is declared dead, so waiting longer only lengthens the silence
    /// of every session on the queue.
    /// </summary>
    public TimeSpan RetryFirst { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two such attempts.</summary>
    public TimeSpan RetryLongest { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long one publish to a stream queue may take before it is given up and retried. A queue
    /// whose silo died answers nothing until that silo is declared dead, and the edge's later
    /// results wait behind the publish; a healthy publish takes milliseconds.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A silo retires its publisher for an edge's delivery stream after this long without output
    /// for it: edges that went away (every edge start has a new id) leave nothing behind.
    /// </summary>
    public TimeSpan IdlePublisherTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a stream queue's cache keeps a result after pulling it. Orleans' default keeps every
    /// stream's events for 30 minutes so subscribers can rewind: at 6,000 results per second a
    /// gateway's memory grew by ~0.7 MB a second more than without it, measured (docs/benchmarks.md).
    /// Edges never rewind; a result a late cursor misses reaches its client anyway, re-sent from the
    /// session's log by <c>seq</c>. So the cache only needs to outlast a healthy delivery.
    /// </summary>
    public TimeSpan CacheRetention { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Read before the host is built, because stream providers are configured while building it.</summary>
    public static DeliveryOptions From(IConfiguration configuration) =>
        configuration.GetSection($"{SttOptions.Section}:Delivery").Get<DeliveryOptions>() ?? new DeliveryOptions();
}
