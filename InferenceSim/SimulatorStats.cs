namespace OrleansStt.InferenceSim;

/// <summary>Live counters of one simulator instance; safe to read from any thread.</summary>
public sealed class SimulatorStats
{
    private int activeStreams;
    private int peakActiveStreams;
    private long connectionsAccepted;
    private long streamsStarted;
    private long streamsRefused;

    internal SimulatorStats()
    {
    }

    /// <summary>Streams between <c>start</c> and <c>stop</c> (or the end of their socket).</summary>
    public int ActiveStreams => Volatile.Read(ref activeStreams);

    public int PeakActiveStreams => Volatile.Read(ref peakActiveStreams);

    /// <summary>Server-side WebSocket accepts, which lets tests prove a client reuses connections.</summary>
    public long ConnectionsAccepted => Interlocked.Read(ref connectionsAccepted);

    public long StreamsStarted => Interlocked.Read(ref streamsStarted);

    /// <summary><c>start</c> requests refused because <see cref="SimulatorOptions.Capacity"/> was reached.</summary>
    public long StreamsRefused => Interlocked.Read(ref streamsRefused);

    internal void ConnectionAccepted() => Interlocked.Increment(ref connectionsAccepted);

    // Check and increment in one step so concurrent starts can never overshoot capacity.
    internal bool TryStartStream(int capacity)
    {
        var current = Volatile.Read(ref activeStreams);
        while (true)
        {
            if (current >= capacity)
            {
                Interlocked.Increment(ref streamsRefused);
                return false;
            }

            var seen = Interlocked.CompareExchange(ref activeStreams, current + 1, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        Interlocked.Increment(ref streamsStarted);
        RaisePeak(current + 1);
        return true;
    }

    internal void EndStream() => Interlocked.Decrement(ref activeStreams);

    private void RaisePeak(int candidate)
    {
        var peak = Volatile.Read(ref peakActiveStreams);
        while (candidate > peak)
        {
            var seen = Interlocked.CompareExchange(ref peakActiveStreams, candidate, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }
}
