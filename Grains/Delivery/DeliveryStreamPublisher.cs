using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Polly;
using OrleansStt.Grains.Interfaces.Delivery;

namespace OrleansStt.Grains.Delivery;

/// <summary>
/// The output queue of one delivery stream of one edge on one silo. A single publisher keeps the
/// order in which grains posted; while one publish is in flight, the next batch accumulates, so
/// batches grow with load and stay single results when the system is idle.
/// </summary>
internal sealed partial class DeliveryStreamPublisher : IAsyncDisposable
{
    private readonly Channel<SessionOutput> _queue = Channel.CreateUnbounded<SessionOutput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _edgeId;
    private readonly IAsyncStream<OutputBatch> _stream;
    private readonly ResiliencePipeline _publishing;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Task _publisher;

    // Set by every post, cleared by each idle sweep: a publisher no post reached between two sweeps is retired.
    private volatile bool _posted = true;
    private int _queued;

    public DeliveryStreamPublisher(string edgeId, IAsyncStream<OutputBatch> stream, ResiliencePipeline publishing, int maxBatch, ILogger logger)
    {
        _edgeId = edgeId;
        _stream = stream;
        _publishing = publishing;
        _maxBatch = maxBatch;
        _logger = logger;

        // Task.Run: the publisher is created inside a grain turn, and must not inherit that activation's
        // scheduler; nor its execution context, whose log scope names the session that happened to post first.
        using (ExecutionContext.SuppressFlow())
        {
            _publisher = Task.Run(PublishAsync);
        }
    }

    /// <summary>Results posted and not yet taken into a batch (counted here: a single-reader channel cannot count).</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>False once this publisher is retired; the caller then posts to a new one.</summary>
    public bool TryPost(SessionOutput output)
    {
        _posted = true;
        // Counted before the write, so that the reader, which may take it at once, never counts below 0.
        Interlocked.Increment(ref _queued);
        if (_queue.Writer.TryWrite(output))
        {
            return true;
        }

        Interlocked.Decrement(ref _queued);
        return false;
    }

    /// <summary>True, and no longer taking posts, when nothing was posted since the last call.</summary>
    public bool TryRetireIfIdle()
    {
        if (_posted)
        {
            _posted = false;
            return false;
        }

        return _queue.Writer.TryComplete();
    }

    private async Task PublishAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<SessionOutput>();
            while (batch.Count < _maxBatch && reader.TryRead(out var output))
            {
                batch.Add(output);
            }

            Interlocked.Add(ref _queued, -batch.Count);

            var items = new OutputBatch(batch);
            try
            {
                await _publishing.ExecuteAsync(static async (state, giveUp) =>
                {
                    var publish = state.Stream.OnNextAsync(state.Items);
                    try
                    {
                        await publish.WaitAsync(giveUp);
                    }
                    catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
                    {
                        publish.Ignore();
                        throw;
                    }
                }, (Stream: _stream, Items: items));
            }
            catch (Exception ex)
            {
                // Only when the cluster stays broken for seconds. Sessions re-send what an edge
                // reports missing, so this costs latency, not messages.
                LogPublishFailed(_logger, ex, batch.Count, _edgeId);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _publisher;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {Count} results for edge {EdgeId}; the edge will ask for them again")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int count, string edgeId);
}
