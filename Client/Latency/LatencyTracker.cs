using System.Diagnostics;

namespace OrleansStt.Client;

/// <summary>
/// The protocol's latency (PROTOCOL.md §1.2): arrival of a result minus the time the audio at its
/// <c>end_ms</c> was sent. Keeps one (cumulative end offset, send timestamp) entry per sent frame,
/// append-only, and finds the frame by binary search. Assumes pcm_s16le mono.
/// Safe for one sender and any number of concurrent readers.
/// </summary>
public sealed class LatencyTracker(int sampleRate = 16000)
{
    private readonly Lock _lock = new();
    private SentFrame[] _frames = new SentFrame[64];
    private int _count;
    private long _bytesSent;

    public int SampleRate { get; } = sampleRate;

    /// <summary>Audio bytes sent so far: the audio position the edge can account for at most.</summary>
    public long BytesSent
    {
        get
        {
            lock (_lock)
            {
                return _bytesSent;
            }
        }
    }

    /// <summary>Records that the next <paramref name="byteCount"/> audio bytes were handed to the socket at <paramref name="sendTimestamp"/>.</summary>
    public void RecordSent(int byteCount, long sendTimestamp)
    {
        lock (_lock)
        {
            if (_count == _frames.Length)
            {
                Array.Resize(ref _frames, _frames.Length * 2);
            }

            _bytesSent += byteCount;
            _frames[_count++] = new SentFrame(_bytesSent, sendTimestamp);
        }
    }

    /// <summary>Audio position in bytes: end_ms × 2 × sample_rate / 1000.</summary>
    public long ByteOffsetAt(long endMs) => endMs * 2 * SampleRate / 1000;

    /// <summary>
    /// When the frame holding the last byte before <paramref name="endMs"/> was sent: a result that
    /// accounts for audio up to a frame boundary could be produced as soon as that frame arrived,
    /// not the next one. False when that audio was never sent.
    /// </summary>
    public bool TryGetSendTimestamp(long endMs, out long sendTimestamp)
    {
        var lastByte = Math.Max(ByteOffsetAt(endMs) - 1, 0);
        lock (_lock)
        {
            int low = 0, high = _count;
            while (low < high)
            {
                var mid = (low + high) >>> 1;
                if (_frames[mid].EndOffset > lastByte)
                {
                    high = mid;
                }
                else
                {
                    low = mid + 1;
                }
            }

            var found = low < _count;
            sendTimestamp = found ? _frames[low].SendTimestamp : 0;
            return found;
        }
    }

    public bool TryMeasure(long endMs, long arrivalTimestamp, out TimeSpan latency)
    {
        var found = TryGetSendTimestamp(endMs, out var sent);
        latency = found ? Stopwatch.GetElapsedTime(sent, arrivalTimestamp) : default;
        return found;
    }

    public bool TryMeasure(ResultMessage result, out TimeSpan latency) =>
        TryMeasure(result.EndMs, result.ArrivalTimestamp, out latency);

    private readonly record struct SentFrame(long EndOffset, long SendTimestamp);
}
