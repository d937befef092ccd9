namespace OrleansStt.InferenceSim;

/// <summary>Live counters of one simulator instance; safe to read from any thread.</summary>
public sealed class SimulatorStats
{
    private int activeStreams;
    private int peakActiveStreams;
    private long connectionsAccepted;
    private long connectionsRefused;
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

    /// <summary>WebSocket upgrades answered 503 because of <see cref="SimulatorFaults.RefuseConnections"/>; never accepted.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref connectionsRefused);

    public long StreamsStarted => Interlocked.Read(ref streamsStarted);

    /// <summary>
    /// <c>start</c> requests refused with close 1013: at capacity (<see cref="SimulatorOptions.Capacity"/> or
    /// <see cref="SimulatorFaults.Capacity"/>) or while <see cref="SimulatorFaults.Draining"/>.
    /// </summary>
    public long StreamsRefused => Interlocked.Read(ref streamsRefused);

    internal void ConnectionAccepted() => Interlocked.Increment(ref connectionsAccepted);

    internal void ConnectionRefused() => Interlocked.Increment(ref connectionsRefused);

    internal void StreamRefused() => Interlocked.Increment(ref streamsRefused);

    // Check and increment in one step so concurrent starts can never overshoot capacity.
    internal bool TryStartStream(int capacity)
    {
        var current = Volatile.Read(ref activeStreams);
        while (true)
        {
            if (current >= capacity)
            {
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
