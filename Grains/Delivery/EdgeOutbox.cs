using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Polly;
using Polly.Retry;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Interfaces.Delivery;

namespace OrleansStt.Grains.Delivery;

/// <summary>
/// Per-silo batching of session output by destination edge. Session grains post without
/// awaiting; one lane per edge publishes whatever has queued up as one stream event, so the
/// stream carries one event per flush instead of one per result (docs/delivery.md).
/// </summary>
public sealed class EdgeOutbox(IServiceProvider services, IOptions<SttOptions> options, ILogger<EdgeOutbox> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string EdgeId, int Lane), EdgeOutboxLane> _lanes = new();

    // A stream queue whose silo just died comes back within seconds; a publish retried in order
    // loses nothing, where a dropped batch would be a gap in some sessions' seq.
    private readonly ResiliencePipeline _publishing = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 6,
            Delay = TimeSpan.FromMilliseconds(100),
            BackoffType = DelayBackoffType.Exponential,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
        })
        .Build();

    /// <summary>Queues <paramref name="output"/> behind everything posted earlier for the same session.</summary>
    public void Post(string edgeId, int edgeStreams, SessionOutput output)
    {
        var lane = DeliveryStreams.LaneOf(output.SessionId, edgeStreams);
        _lanes.GetOrAdd((edgeId, lane), static (key, outbox) => outbox.CreateLane(key), this).Post(output);
    }

    private EdgeOutboxLane CreateLane((string EdgeId, int Lane) key)
    {
        var provider = services.GetRequiredKeyedService<IStreamProvider>(DeliveryStreams.ProviderName);
        var stream = provider.GetStream<OutputBatch>(DeliveryStreams.ForEdge(key.EdgeId, key.Lane));
        return new EdgeOutboxLane(key.EdgeId, stream, _publishing, options.Value.Delivery.MaxBatch, logger);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lane in _lanes.Values)
        {
            await lane.DisposeAsync();
        }
    }
}
