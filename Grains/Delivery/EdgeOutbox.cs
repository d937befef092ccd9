using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Polly;
using Polly.Retry;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Interfaces.Delivery;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.Grains.Delivery;

/// <summary>
/// Per-silo batching of session output by destination edge. Session grains post without
/// awaiting; one publisher per delivery stream publishes whatever has queued up as one stream
/// event, so the stream carries one event per flush instead of one per result (docs/delivery.md).
/// Publishers of edges that went away (each edge start has a new id) are retired after
/// <see cref="DeliveryOptions.IdlePublisherTimeout"/> without posts.
/// </summary>
public sealed class EdgeOutbox(IServiceProvider services, IOptions<SttOptions> options, TimeProvider time, SttMetrics metrics, ILogger<EdgeOutbox> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<(string EdgeId, int Index), DeliveryStreamPublisher> _publishers = new();

    // A stream queue whose silo just died comes back within seconds; a publish retried in order
    // loses nothing, where a dropped batch would be a gap the edge has to ask about. A publish sent
    // to that silo before it was declared dead gets no answer at all, and every later batch for the
    // edge waits behind it: each attempt is given up after PublishTimeout, far sooner than the call
    // timeout would fail it (a batch that arrives twice is dropped by the edge's seq check).
    private readonly ResiliencePipeline _publishing = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 6,
            Delay = TimeSpan.FromMilliseconds(100),
            BackoffType = DelayBackoffType.Exponential,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
        })
        .AddTimeout(options.Value.Delivery.PublishTimeout)
        .Build();

    /// <summary>Delivery streams this silo publishes to, for operators and tests.</summary>
    public int Publishers => _publishers.Count;

    /// <summary>Queues <paramref name="output"/> behind everything posted earlier for the same session.</summary>
    public void Post(string edgeId, int deliveryStreams, SessionOutput output)
    {
        var key = (edgeId, DeliveryStreams.IndexOf(output.SessionId, deliveryStreams));
        while (true)
        {
            var publisher = _publishers.GetOrAdd(key, static (key, outbox) => outbox.CreatePublisher(key), this);
            if (publisher.TryPost(output))
            {
                return;
            }

            // Retired by the sweep a moment ago: the next GetOrAdd makes a fresh one.
            _publishers.TryRemove(KeyValuePair.Create(key, publisher));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.Observe("orleansstt.silo.delivery.queued", "{message}", "Results on this silo waiting to be published to the edges' delivery streams.",
            () => _publishers.Values.Sum(p => p.Queued));
        using var sweeps = new PeriodicTimer(options.Value.Delivery.IdlePublisherTimeout, time);
        try
        {
            while (await sweeps.WaitForNextTickAsync(stoppingToken))
            {
                await RetireIdlePublishersAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping.
        }
    }

    internal async Task RetireIdlePublishersAsync()
    {
        foreach (var (key, publisher) in _publishers)
        {
            if (publisher.TryRetireIfIdle())
            {
                _publishers.TryRemove(KeyValuePair.Create(key, publisher));
                await publisher.DisposeAsync();
            }
        }
    }

    private DeliveryStreamPublisher CreatePublisher((string EdgeId, int Index) key)
    {
        var provider = services.GetRequiredKeyedService<IStreamProvider>(DeliveryStreams.ProviderName);
        var stream = provider.GetStream<OutputBatch>(DeliveryStreams.ForEdge(key.EdgeId, key.Index));
        return new DeliveryStreamPublisher(key.EdgeId, stream, _publishing, options.Value.Delivery.MaxBatch, logger);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var publisher in _publishers.Values)
        {
            await publisher.DisposeAsync();
        }

        _publishers.Clear();
    }
}
