using Microsoft.Extensions.Options;

namespace OrleansStt.EdgeHost.Admission;

/// <summary>
/// What this process measures of its own load, judged one window at a time, and so how many
/// sessions it takes: none for <see cref="AdmissionOptions.HoldFor"/> after a window past what it
/// serves on time, and never far beyond what it has been seen to serve on time (a slow start).
/// Deliveries are recorded from any thread; probes and window ends come from one loop (<see cref="LoadMonitor"/>).
/// <paramref name="jitter"/> is for tests (one thread); otherwise the thread-safe shared one.
/// </summary>
public sealed class LoadSignals(IOptions<AdmissionOptions> options, TimeProvider time, Random? jitter = null)
{
    private readonly AdmissionOptions _options = options.Value;
    private readonly Random _jitter = jitter ?? Random.Shared;
    private readonly double _lateDeliveryMs = options.Value.DeliveryLatencyLimit.TotalMilliseconds;
    private int _deliveries;
    private int _lateDeliveries;
    private int _probes;
    private int _lateProbes;
    private long _refuseUntil = long.MinValue;
    private int _served;
    private int _overloadedAt = NotOverloaded;
    private int _sessionsAtWindowStart;
    private string _reason = "";

    private const int NotOverloaded = int.MaxValue;

    /// <summary>Everything is refused now: a recent window was past what this edge serves on time.</summary>
    public bool IsOverloaded => _options.Enabled && time.GetTimestamp() < Volatile.Read(ref _refuseUntil);

    /// <summary>Most sessions this edge takes now (<see cref="int.MaxValue"/> when admission is off).</summary>
    public int Bound
    {
        get
        {
            if (!_options.Enabled)
            {
                return int.MaxValue;
            }

            var served = Volatile.Read(ref _served);
            var bound = Math.Max(_options.SlowStartSessions, served * _options.SlowStartGrowth);
            var overloadedAt = Volatile.Read(ref _overloadedAt);
            return (int)Math.Min(int.MaxValue, overloadedAt == NotOverloaded ? bound : Math.Min(bound, Math.Max(served, overloadedAt * 0.9)));
        }
    }

    /// <summary>Whether a new session is taken on top of <paramref name="sessionsHeld"/>; if not, <see cref="Reason"/> says why.</summary>
    public bool Admits(int sessionsHeld) => !IsOverloaded && sessionsHeld < Bound;

    /// <summary>Why sessions are refused, in words for the refused client.</summary>
    public string Reason => IsOverloaded
        ? Volatile.Read(ref _reason)
        : $"it has served {Volatile.Read(ref _served)} sessions on time so far and takes more step by step";

    /// <summary>
    /// Whole seconds a refused client should wait: the hold, plus up to as much again at random.
    /// Clients refused in the same second otherwise all came back in the same second, and were
    /// refused again: 350–400 refusals a second with 1,000 sessions offered, measured.
    /// </summary>
    public int NextRetryAfterSeconds()
    {
        var hold = (int)Math.Ceiling(_options.HoldFor.TotalSeconds);
        return hold + _jitter.Next(hold + 1);
    }

    public void RecordDelivery(TimeSpan latency)
    {
        Interlocked.Increment(ref _deliveries);
        if (latency.TotalMilliseconds > _lateDeliveryMs)
        {
            Interlocked.Increment(ref _lateDeliveries);
        }
    }

    /// <summary>How long a work item queued to the thread pool waited to start.</summary>
    public void RecordDispatchLag(TimeSpan lag)
    {
        _probes++;
        if (lag > _options.DispatchLagLimit)
        {
            _lateProbes++;
        }
    }

    /// <summary>
    /// Judges the window that ends now, with <paramref name="sessionsHeld"/> sessions, and starts the
    /// next; returns what it measured.
    /// </summary>
    public LoadWindow EndWindow(int sessionsHeld)
    {
        var deliveries = Interlocked.Exchange(ref _deliveries, 0);
        var late = Interlocked.Exchange(ref _lateDeliveries, 0);
        var (probes, lateProbes) = (_probes, _lateProbes);
        (_probes, _lateProbes) = (0, 0);
        // Sessions that joined during the window may not have had a result yet: only those held
        // throughout count as served.
        var heldThroughout = Math.Min(_sessionsAtWindowStart, sessionsHeld);
        _sessionsAtWindowStart = sessionsHeld;

        string? overload = null;
        if (lateProbes * 2 > probes)
        {
            overload = $"its work waits over {_options.DispatchLagLimit.TotalMilliseconds:0} ms to start ({lateProbes} of {probes} probes)";
        }
        else if (late >= _options.MinimumLate && late * 100 > deliveries)
        {
            overload = $"{late} of {deliveries} results took over {_lateDeliveryMs:0} ms to reach their clients";
        }

        if (overload is not null)
        {
            Volatile.Write(ref _reason, overload);
            Volatile.Write(ref _refuseUntil, time.GetTimestamp() + (long)(_options.HoldFor.TotalSeconds * time.TimestampFrequency));
            Volatile.Write(ref _overloadedAt, Math.Min(_overloadedAt, sessionsHeld));
            // What it served before is more than it serves now.
            Volatile.Write(ref _served, Math.Min(_served, (int)(sessionsHeld * 0.9)));
        }
        else if (deliveries > 0)
        {
            Volatile.Write(ref _served, Math.Max(_served, heldThroughout));
            if (heldThroughout >= _overloadedAt)
            {
                // As many as when it was overloaded, served on time now: that overload was passing.
                Volatile.Write(ref _overloadedAt, NotOverloaded);
            }
        }

        return new LoadWindow(probes, lateProbes, deliveries, late, sessionsHeld, Bound, overload);
    }
}
