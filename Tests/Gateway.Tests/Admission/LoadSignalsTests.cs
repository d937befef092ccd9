using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansStt.EdgeHost.Admission;

namespace OrleansStt.Gateway.Tests.Admission;

/// <summary>When an edge judges itself past what it serves on time, from windows of its own measurements.</summary>
public sealed class LoadSignalsTests
{
    private static readonly AdmissionOptions Options = new()
    {
        DeliveryLatencyLimit = TimeSpan.FromMilliseconds(50),
        DispatchLagLimit = TimeSpan.FromMilliseconds(20),
        MinimumLate = 5,
        HoldFor = TimeSpan.FromSeconds(2),
        SlowStartSessions = 100,
        SlowStartGrowth = 1.5,
    };

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Work_that_waits_to_start_in_most_probes_of_a_window_refuses_new_sessions_for_the_hold()
    {
        var signals = Signals();
        Probe(signals, late: 6, onTime: 4);
        signals.EndWindow(sessionsHeld: 10);

        Assert.True(signals.IsOverloaded);
        Assert.Contains("6 of 10 probes", signals.Reason);

        // A calm window does not end the hold early, and does not extend it.
        _time.Advance(TimeSpan.FromSeconds(1));
        Probe(signals, late: 0, onTime: 10);
        signals.EndWindow(sessionsHeld: 10);
        _time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.True(signals.IsOverloaded);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(signals.IsOverloaded);
    }

    [Fact]
    public void Refused_clients_are_told_to_wait_between_the_hold_and_twice_it_so_they_do_not_come_back_together()
    {
        var signals = Signals(jitter: new Random(7));

        var waits = Enumerable.Range(0, 60).Select(_ => signals.NextRetryAfterSeconds()).ToList();

        Assert.Equal([2, 3, 4], waits.Distinct().Order());
    }

    [Fact]
    public void A_pause_in_a_few_probes_is_not_overload()
    {
        var signals = Signals();
        Probe(signals, late: 5, onTime: 5);
        signals.EndWindow(sessionsHeld: 10);

        Assert.False(signals.IsOverloaded);
    }

    [Theory]
    [InlineData(6, 200, true)]    // 3% late
    [InlineData(6, 1000, false)]  // 0.6% late: p99 within the limit
    [InlineData(4, 10, false)]    // fewer late than MinimumLate: one hiccup
    public void Results_late_to_their_clients_beyond_one_percent_are_overload(int late, int total, bool overloaded)
    {
        var signals = Signals();
        for (var i = 0; i < total; i++)
        {
            signals.RecordDelivery(TimeSpan.FromMilliseconds(i < late ? 51 : 50));
        }

        signals.EndWindow(sessionsHeld: 10);

        Assert.Equal(overloaded, signals.IsOverloaded);
        if (overloaded)
        {
            Assert.Contains($"{late} of {total} results took over 50 ms", signals.Reason);
        }
    }

    [Fact]
    public void Each_window_is_judged_on_its_own_measurements()
    {
        var signals = Signals();
        Probe(signals, late: 3, onTime: 0);
        signals.EndWindow(sessionsHeld: 10);
        _time.Advance(TimeSpan.FromSeconds(3));
        Probe(signals, late: 0, onTime: 3);
        Probe(signals, late: 1, onTime: 0);
        signals.EndWindow(sessionsHeld: 10);

        // 3 of 3 late, then 1 of 4: the first window's hold is over and the second is calm.
        Assert.False(signals.IsOverloaded);
    }

    [Fact]
    public void A_cold_edge_takes_the_slow_start_and_grows_with_each_window_served_on_time()
    {
        var signals = Signals();
        Assert.True(signals.Admits(99));
        Assert.False(signals.Admits(100));
        Assert.Contains("served 0 sessions on time", signals.Reason);

        // Results flowing on time to 100 sessions held through a window: 150 now.
        signals.EndWindow(sessionsHeld: 100);
        Served(signals, sessionsHeld: 100);
        Assert.Equal(150, signals.Bound);

        // 50 joined during the next window: only the 100 held throughout count as served.
        Served(signals, sessionsHeld: 150);
        Assert.Equal(150, signals.Bound);
        Served(signals, sessionsHeld: 150);
        Assert.Equal(225, signals.Bound);
    }

    [Fact]
    public void A_window_without_results_proves_nothing()
    {
        var signals = Signals();
        signals.EndWindow(sessionsHeld: 100);
        signals.EndWindow(sessionsHeld: 100);

        Assert.Equal(100, signals.Bound);
    }

    [Fact]
    public void After_an_overload_it_takes_at_most_nine_tenths_of_what_it_held_until_it_serves_that_many_on_time()
    {
        var signals = Signals();
        signals.EndWindow(sessionsHeld: 100);
        Served(signals, sessionsHeld: 100);
        Served(signals, sessionsHeld: 150);
        Served(signals, sessionsHeld: 200);
        Assert.Equal(225, signals.Bound);

        // Overloaded with 200; the hold passes; sessions end meanwhile.
        Probe(signals, late: 10, onTime: 0);
        signals.EndWindow(sessionsHeld: 200);
        _time.Advance(TimeSpan.FromSeconds(2));
        Served(signals, sessionsHeld: 170);
        Assert.Equal(180, signals.Bound);
        Assert.True(signals.Admits(179));
        Assert.False(signals.Admits(180));

        // 200 served on time again: that overload was passing, and growth resumes.
        Served(signals, sessionsHeld: 200);
        Served(signals, sessionsHeld: 200);
        Assert.Equal(300, signals.Bound);
    }

    [Fact]
    public void An_overload_at_what_it_served_before_lowers_the_bound_below_it()
    {
        var signals = Signals();
        signals.EndWindow(sessionsHeld: 100);
        Served(signals, sessionsHeld: 100);
        Served(signals, sessionsHeld: 150);
        Served(signals, sessionsHeld: 150);
        Assert.Equal(225, signals.Bound);

        Probe(signals, late: 10, onTime: 0);
        signals.EndWindow(sessionsHeld: 150);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(135, signals.Bound);
    }

    [Fact]
    public void Switched_off_it_never_refuses()
    {
        var signals = new LoadSignals(Microsoft.Extensions.Options.Options.Create(new AdmissionOptions { Enabled = false }), _time);
        Probe(signals, late: 10, onTime: 0);
        signals.EndWindow(sessionsHeld: 10);

        Assert.False(signals.IsOverloaded);
        Assert.True(signals.Admits(100_000));
    }

    private LoadSignals Signals(Random? jitter = null) => new(Microsoft.Extensions.Options.Options.Create(Options), _time, jitter);

    private static void Served(LoadSignals signals, int sessionsHeld)
    {
        signals.RecordDelivery(TimeSpan.FromMilliseconds(5));
        Assert.Null(signals.EndWindow(sessionsHeld).Overload);
    }

    private static void Probe(LoadSignals signals, int late, int onTime)
    {
        for (var i = 0; i < late; i++)
        {
            signals.RecordDispatchLag(TimeSpan.FromMilliseconds(21));
        }

        for (var i = 0; i < onTime; i++)
        {
            signals.RecordDispatchLag(TimeSpan.FromMilliseconds(20));
        }
    }
}
