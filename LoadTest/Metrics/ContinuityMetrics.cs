using System.Collections.Concurrent;

namespace OrleansStt.LoadTest;

/// <summary>
/// What failover must preserve, summed over sessions as each one ends: backend switches and the gap
/// each left in a client's results, finals against the ones the audio must yield, and the timeline.
/// </summary>
internal sealed class ContinuityMetrics
{
    private const int MaxMismatchExamples = 5;

    private long _switches;
    private long _sessionsSwitched;
    private long _switchesWithoutLaterResult;
    private long _timelineRegressions;
    private long _sessionsChecked;
    private long _finalsExpected;
    private long _finalsReceived;
    private long _finalsMissing;
    private long _finalsUnexpected;
    private long _sessionsWithMismatch;
    private long _endedOnUnknown;
    private long _removedAt;

    /// <summary>Per backend_switched notice: first result after it − last result before it.</summary>
    public LatencyHistogram SwitchGap { get; } = new();

    /// <summary>Between consecutive results with no switch in between: what a client sees without failover, for reference.</summary>
    public LatencyHistogram ResultGap { get; } = new();

    /// <summary>The <c>backend</c> of each session's <c>session</c> message.</summary>
    public ConcurrentDictionary<string, long> StartedOnBackend { get; } = new();

    /// <summary>Where sessions ended, known only while every switch notice names its backend.</summary>
    public ConcurrentDictionary<string, long> EndedOnBackend { get; } = new();

    public ConcurrentQueue<string> MismatchExamples { get; } = new();

    /// <summary>Every session's ending, connect failures included.</summary>
    public ConcurrentQueue<SessionOutcome> Outcomes { get; } = new();

    /// <summary>When the run's process removal (--kill-pid, a scenario) happened, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</summary>
    public long? RemovedAt => Volatile.Read(ref _removedAt) is var at and not 0 ? at : null;

    public long Switches => Volatile.Read(ref _switches);
    public long SessionsSwitched => Volatile.Read(ref _sessionsSwitched);
    public long SwitchesWithoutLaterResult => Volatile.Read(ref _switchesWithoutLaterResult);
    public long TimelineRegressions => Volatile.Read(ref _timelineRegressions);
    public long SessionsChecked => Volatile.Read(ref _sessionsChecked);
    public long FinalsExpected => Volatile.Read(ref _finalsExpected);
    public long FinalsReceived => Volatile.Read(ref _finalsReceived);
    public long FinalsMissing => Volatile.Read(ref _finalsMissing);
    public long FinalsUnexpected => Volatile.Read(ref _finalsUnexpected);
    public long SessionsWithMismatch => Volatile.Read(ref _sessionsWithMismatch);
    public long EndedOnUnknown => Volatile.Read(ref _endedOnUnknown);

    /// <summary>Counted as the notice arrives, so the progress line shows a failover as it happens.</summary>
    public void Switched() => Interlocked.Increment(ref _switches);

    public void TimelineRegressed() => Interlocked.Increment(ref _timelineRegressions);

    public void Removed(long timestamp) => Volatile.Write(ref _removedAt, timestamp);

    public void SessionEnded(bool switched, int switchesWithoutLaterResult, string? startedOn, string? endedOn)
    {
        if (switched)
        {
            Interlocked.Increment(ref _sessionsSwitched);
        }

        Interlocked.Add(ref _switchesWithoutLaterResult, switchesWithoutLaterResult);
        if (startedOn is null)
        {
            return;
        }

        if (endedOn is null)
        {
            Interlocked.Increment(ref _endedOnUnknown);
        }
        else
        {
            RunMetrics.Count(EndedOnBackend, endedOn);
        }
    }

    /// <param name="describe">Called only for the first few mismatching sessions, to list them.</param>
    public void FinalsChecked(FinalsComparison comparison, Func<string> describe)
    {
        Interlocked.Increment(ref _sessionsChecked);
        Interlocked.Add(ref _finalsExpected, comparison.Expected);
        Interlocked.Add(ref _finalsReceived, comparison.Received);
        Interlocked.Add(ref _finalsMissing, comparison.Missing.Count);
        Interlocked.Add(ref _finalsUnexpected, comparison.Unexpected.Count);
        if (!comparison.IsExact && Interlocked.Increment(ref _sessionsWithMismatch) <= MaxMismatchExamples)
        {
            MismatchExamples.Enqueue(describe());
        }
    }
}
