using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Polly;
using OrleansStt.Grains.Interfaces.Delivery;

namespace OrleansStt.Grains.Delivery;

/// <summary>
/// The output queue of one edge on one silo. A single publisher keeps the order in which
/// grains posted; while one publish is in flight, the next batch accumulates, so batches grow
/// with load and stay single results when the system is idle.
/// </summary>
internal sealed partial class EdgeOutboxLane : IAsyncDisposable
{
    private readonly Channel<SessionOutput> _queue = Channel.CreateUnbounded<SessionOutput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _edgeId;
    private readonly IAsyncStream<OutputBatch> _stream;
    private readonly ResiliencePipeline _publishing;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Task _publisher;

    public EdgeOutboxLane(string edgeId, IAsyncStream<OutputBatch> stream, ResiliencePipeline publishing, int maxBatch, ILogger logger)
    {
        _edgeId = edgeId;
        _stream = stream;
        _publishing = publishing;
        _maxBatch = maxBatch;
        _logger = logger;

        // Task.Run: the lane is created inside a grain turn, and the publisher must not
        // inherit that activation's scheduler.
        _publisher = Task.Run(PublishAsync);
    }

    public void Post(SessionOutput output) => _queue.Writer.TryWrite(output);

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

            var items = new OutputBatch(batch);
            try
            {
                await _publishing.ExecuteAsync(async _ => await _stream.OnNextAsync(items));
            }
            catch (Exception ex)
            {
                // Only when the cluster stays broken for seconds; the edge is likely gone too.
                LogPublishFailed(_logger, ex, batch.Count, _edgeId);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _publisher;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Count} results for edge {EdgeId}: publishing to its stream failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int count, string edgeId);
}
