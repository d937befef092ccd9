using System.Threading.Channels;
using OrleansStt.Grains.Interfaces.Delivery;
using OrleansStt.Grains.Interfaces.Protocol;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// What waits for one client socket, bounded in messages and in bytes: a client that stops reading
/// costs at most <see cref="Configuration.EdgeOptions.OutputQueueMaxBytes"/>, however long its
/// transcripts. A write that does not fit fails, and the socket is dropped.
/// </summary>
public sealed class OutputQueue : ChannelWriter<SessionOutput>
{
    // The JSON around a message's text (type, seq, times, language), and UTF-8's worst case per
    // UTF-16 char: an estimate that never undercounts by much, without serializing twice.
    private const int EnvelopeBytes = 160;
    private const int BytesPerChar = 3;

    private readonly Channel<SessionOutput> _channel;
    private readonly long _maxBytes;
    private long _bytes;

    public OutputQueue(int maxMessages, long maxBytes)
    {
        _maxBytes = maxBytes;
        _channel = Channel.CreateBounded<SessionOutput>(new BoundedChannelOptions(maxMessages)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<SessionOutput> Reader => _channel.Reader;

    /// <summary>Messages queued now.</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>Estimated bytes queued now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public override bool TryWrite(SessionOutput item)
    {
        var size = EstimatedBytes(item);
        if (Interlocked.Add(ref _bytes, size) <= _maxBytes && _channel.Writer.TryWrite(item))
        {
            return true;
        }

        Interlocked.Add(ref _bytes, -size);
        return false;
    }

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) =>
        _channel.Writer.WaitToWriteAsync(cancellationToken);

    /// <summary>The socket is done: a write that fails now is late, not a sign of a slow client.</summary>
    public bool IsCompleted { get; private set; }

    public override bool TryComplete(Exception? error = null)
    {
        IsCompleted = true;
        return _channel.Writer.TryComplete(error);
    }

    /// <summary>The writer took <paramref name="item"/> off the queue.</summary>
    public void Taken(SessionOutput item) => Interlocked.Add(ref _bytes, -EstimatedBytes(item));

    private static long EstimatedBytes(SessionOutput output) => EnvelopeBytes + BytesPerChar * (output.Message switch
    {
        TranscriptMessage transcript => transcript.Text.Length,
        TranslationMessage translation => translation.Text.Length,
        ErrorMessage error => error.Message.Length,
        NoticeMessage notice => notice.Message.Length,
        _ => 0,
    });
}
