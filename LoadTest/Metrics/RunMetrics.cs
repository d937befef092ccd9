using System.Collections.Concurrent;

namespace OrleansStt.LoadTest;

/// <summary>Counters every session updates concurrently; read by the progress line and the final report.</summary>
internal sealed class RunMetrics
{
    private long _open;
    private long _connected;
    private long _framesSent;
    private long _framesSentInWindow;
    private long _results;
    private long _unmatchedResults;
    private long _seqGaps;
    private long _closedWithoutClosed;
    private long _closeTimeouts;
    private long _brokenSessions;
    private long _protocolErrors;
    private long _sendFailures;
    private long _lateConnects;

    public LatencyHistogram WindowLatency { get; } = new();

    public ContinuityMetrics Continuity { get; } = new();

    /// <summary>All results, drained every second by the progress line.</summary>
    public LatencyHistogram RecentLatency { get; } = new();

    public LatencyHistogram ConnectTime { get; } = new();

    /// <summary>From the upgrade request to an overloaded edge's 503 capacity_exhausted.</summary>
    public LatencyHistogram RefusalTime { get; } = new();

    /// <summary>How late frames left against their real-time schedule: high means the generator itself is saturated.</summary>
    public LatencyHistogram SendLag { get; } = new();

    public ConcurrentDictionary<string, long> ConnectFailures { get; } = new();

    public ConcurrentDictionary<string, long> ErrorsByCode { get; } = new();

    public ConcurrentDictionary<string, long> NoticesByCode { get; } = new();

    /// <summary>How sockets ended: the close status the edge sent, or why there was none.</summary>
    public ConcurrentDictionary<string, long> CloseStatuses { get; } = new();

    /// <summary>Exceptions no session step expects, by type and message; non-empty means a bug here or in the edge.</summary>
    public ConcurrentDictionary<string, long> UnexpectedFailures { get; } = new();

    public long Open => Volatile.Read(ref _open);
    public long Connected => Volatile.Read(ref _connected);
    public long FramesSent => Volatile.Read(ref _framesSent);
    public long FramesSentInWindow => Volatile.Read(ref _framesSentInWindow);
    public long Results => Volatile.Read(ref _results);
    public long UnmatchedResults => Volatile.Read(ref _unmatchedResults);
    public long SeqGaps => Volatile.Read(ref _seqGaps);
    public long ClosedWithoutClosed => Volatile.Read(ref _closedWithoutClosed);
    public long CloseTimeouts => Volatile.Read(ref _closeTimeouts);
    public long BrokenSessions => Volatile.Read(ref _brokenSessions);
    public long ProtocolErrors => Volatile.Read(ref _protocolErrors);
    public long SendFailures => Volatile.Read(ref _sendFailures);
    public long LateConnects => Volatile.Read(ref _lateConnects);

    public long ConnectFailureCount => ConnectFailures.Values.Sum();

    public long ErrorCount => ErrorsByCode.Values.Sum();

    public void SessionRefused(TimeSpan refusalTime) => RefusalTime.Record(refusalTime);

    /// <param name="late">Connected well after the ramp, so the window did not run at full load.</param>
    public void SessionOpened(TimeSpan connectTime, bool late)
    {
        Interlocked.Increment(ref _open);
        Interlocked.Increment(ref _connected);
        ConnectTime.Record(connectTime);
        if (late)
        {
            Interlocked.Increment(ref _lateConnects);
        }
    }

    public void SessionEnded() => Interlocked.Decrement(ref _open);

    public void FrameSent(bool inWindow, TimeSpan lag)
    {
        Interlocked.Increment(ref _framesSent);
        if (inWindow)
        {
            Interlocked.Increment(ref _framesSentInWindow);
            SendLag.Record(lag);
        }
    }

    /// <param name="latency">Null when the result claims audio that was never sent.</param>
    public void Result(TimeSpan? latency, bool inWindow)
    {
        Interlocked.Increment(ref _results);
        if (latency is not { } measured)
        {
            Interlocked.Increment(ref _unmatchedResults);
            return;
        }

        RecentLatency.Record(measured);
        if (inWindow)
        {
            WindowLatency.Record(measured);
        }
    }

    public void SeqGap() => Interlocked.Increment(ref _seqGaps);
    public void ClosedWithoutClosedMessage() => Interlocked.Increment(ref _closedWithoutClosed);
    public void CloseTimedOut() => Interlocked.Increment(ref _closeTimeouts);
    public void SessionBroken() => Interlocked.Increment(ref _brokenSessions);
    public void ProtocolError() => Interlocked.Increment(ref _protocolErrors);
    public void SendFailed() => Interlocked.Increment(ref _sendFailures);

    public static void Count(ConcurrentDictionary<string, long> counts, string key) =>
        counts.AddOrUpdate(key, 1, (_, n) => n + 1);
}
