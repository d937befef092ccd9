using System.Diagnostics.Metrics;
using OrleansStt.Grains.Sessions;

namespace OrleansStt.Grains.Telemetry;

/// <summary>
/// The gateway's own instruments (meter <see cref="MeterName"/>), for operators and autoscalers;
/// exported at <c>/metrics</c> on every edge and silo (Hosting/Telemetry). Names
/// follow OpenTelemetry's conventions; Prometheus shows them with dots as underscores and a
/// <c>_total</c> suffix on counters. docs/operations.md lists them.
/// </summary>
public sealed class SttMetrics
{
    public const string MeterName = "OrleansStt";

    private readonly Meter _meter;
    private int _siloSessions;

    public SttMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        SessionsOpened = _meter.CreateCounter<long>("orleansstt.edge.sessions.opened", "{session}", "Client sockets accepted, by kind: new or resumed.");
        SessionsRefused = _meter.CreateCounter<long>("orleansstt.edge.sessions.refused", "{session}", "Client upgrades refused, by the protocol's error code.");
        AudioFrames = _meter.CreateCounter<long>("orleansstt.edge.audio.frames", "{frame}", "Binary audio frames received from clients.");
        MessagesOut = _meter.CreateCounter<long>("orleansstt.edge.messages.sent", "{message}", "Messages written to client sockets, by type.");
        Errors = _meter.CreateCounter<long>("orleansstt.edge.errors", "{message}", "error messages written to client sockets, by the protocol's code (a session refused after the upgrade, e.g. no GPU server free, shows here).");
        DeliveryDuration = _meter.CreateHistogram(
            "orleansstt.edge.delivery.duration",
            "s",
            "From a session publishing a message to its edge writing it to the client socket (re-sends after a resume included).",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        Recoveries = _meter.CreateCounter<long>("orleansstt.edge.sessions.recovered", "{session}", "Sessions a call found unreachable that the edge recovered, by outcome: rebuilt (their silo died) or alive (a call was lost).");
        GpuMoves = _meter.CreateCounter<long>("orleansstt.silo.gpu.moves", "{session}", "Sessions that went on on another GPU server (backend_switched), by cause: failure (the server failed them) or silo (their silo stopped or died).");
        Leases = _meter.CreateCounter<long>("orleansstt.silo.gpu.leases", "{lease}", "Lease requests to a GPU server's pool, by backend and outcome (granted or refused).");
        _meter.CreateObservableGauge("orleansstt.silo.sessions", () => Volatile.Read(ref _siloSessions), "{session}", "Session grains active on this silo: the autoscaling signal.");
    }

    public Counter<long> SessionsOpened { get; }

    public Counter<long> SessionsRefused { get; }

    public Counter<long> AudioFrames { get; }

    public Counter<long> MessagesOut { get; }

    public Counter<long> Errors { get; }

    public Histogram<double> DeliveryDuration { get; }

    public Counter<long> Recoveries { get; }

    public Counter<long> GpuMoves { get; }

    public Counter<long> Leases { get; }

    /// <summary>A session grain became active on this silo (counted at the end of its activation, which then stands).</summary>
    public void SessionActivated() => Interlocked.Increment(ref _siloSessions);

    public void SessionDeactivated() => Interlocked.Decrement(ref _siloSessions);

    /// <summary>Audio kept for failover against its budget: what is held, and what was given up to stay within it.</summary>
    public void ObserveReplay(string heldName, string shedName, string description, ReplayBudget budget)
    {
        Observe(heldName, "By", description, () => budget.HeldBytes);
        _meter.CreateObservableCounter(shedName, () => budget.ShedBytes, "By", "Of that audio, what was given up to stay within its budget: a failover or rebuild then lacks it.");
    }

    /// <summary>A gauge read at each collection, for what its owner already counts (e.g. an edge's open sockets).</summary>
    public void Observe(string name, string unit, string description, Func<int> value) =>
        _meter.CreateObservableGauge(name, value, unit, description);

    /// <inheritdoc cref="Observe(string, string, string, Func{int})"/>
    public void Observe(string name, string unit, string description, Func<long> value) =>
        _meter.CreateObservableGauge(name, value, unit, description);

    /// <inheritdoc cref="Observe(string, string, string, Func{int})"/>
    public void Observe(string name, string unit, string description, Func<IEnumerable<Measurement<int>>> values) =>
        _meter.CreateObservableGauge(name, values, unit, description);
}
