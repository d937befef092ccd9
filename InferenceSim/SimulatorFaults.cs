namespace OrleansStt.InferenceSim;

/// <summary>
/// Misbehaviour injected into one simulator instance, so gateway tests and the failover demo get GPU
/// servers that fail on command. Every member may be used from any thread and takes effect at once;
/// <c>/admin/faults</c> drives the same object over HTTP.
/// </summary>
public sealed class SimulatorFaults
{
    private readonly int configuredCapacity;

    private bool refuseConnections;
    private bool stall;
    private int slowMs;
    private bool sick;
    private bool draining;

    // 0 means no override: a valid override is at least 1.
    private int capacity;

    // Each action fires the current signal and installs a fresh one, so connections opened later are
    // unaffected. Fired signals are never disposed: a connection that read one just before it fired
    // must still be able to register on it (and is then hit at once).
    private CancellationTokenSource closeSignal = new();
    private FailSignal failSignal = new();

    internal SimulatorFaults(SimulatorOptions options)
    {
        configuredCapacity = options.EffectiveCapacity;
        var initial = options.Faults;
        RefuseConnections = initial.RefuseConnections;
        Stall = initial.Stall;
        SlowMs = initial.SlowMs;
        Sick = initial.Sick;
        Draining = initial.Draining;
        Capacity = initial.Capacity;
    }

    /// <summary>New <c>/v1/stream</c> upgrades are answered with HTTP 503; open connections carry on.</summary>
    public bool RefuseConnections
    {
        get => Volatile.Read(ref refuseConnections);
        set => Volatile.Write(ref refuseConnections, value);
    }

    /// <summary>
    /// Streams take audio and commands but send no messages (no results, errors or <c>stopped</c>). What
    /// is produced meanwhile is dropped, not delayed. Pings are still answered, and close frames and
    /// <see cref="FailStreams"/> still get through.
    /// </summary>
    public bool Stall
    {
        get => Volatile.Read(ref stall);
        set => Volatile.Write(ref stall, value);
    }

    /// <summary>Milliseconds added to every result's processing delay, from the next result on.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public int SlowMs
    {
        get => Volatile.Read(ref slowMs);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref slowMs, value);
        }
    }

    /// <summary><c>GET /health</c> answers 503 with status <c>sick</c>; streams keep working.</summary>
    public bool Sick
    {
        get => Volatile.Read(ref sick);
        set => Volatile.Write(ref sick, value);
    }

    /// <summary>
    /// <c>GET /health</c> answers 503 with status <c>draining</c> and new <c>start</c>s are refused like
    /// capacity (error, close 1013); running streams continue.
    /// </summary>
    public bool Draining
    {
        get => Volatile.Read(ref draining);
        set => Volatile.Write(ref draining, value);
    }

    /// <summary>
    /// Replaces <see cref="SimulatorOptions.Capacity"/> while not null. Streams already above a lowered
    /// capacity continue; new <c>start</c>s are refused until the count is below it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int? Capacity
    {
        get => Volatile.Read(ref capacity) is var value and > 0 ? value : null;
        set
        {
            if (value is { } requested)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(requested, 1);
            }

            Volatile.Write(ref capacity, value ?? 0);
        }
    }

    internal int EffectiveCapacity => Capacity ?? configuredCapacity;

    /// <summary>Fires when <see cref="CloseStreams"/> is called.</summary>
    internal CancellationToken StreamsClosing => Volatile.Read(ref closeSignal).Token;

    /// <summary>Turns every flag off and removes the capacity override.</summary>
    public void Reset()
    {
        RefuseConnections = false;
        Stall = false;
        SlowMs = 0;
        Sick = false;
        Draining = false;
        Capacity = null;
    }

    /// <summary>
    /// Drops every open <c>/v1/stream</c> connection (streaming or idle) without a close frame, as if
    /// the process had crashed for them. The server itself carries on.
    /// </summary>
    public void CloseStreams() => Interlocked.Exchange(ref closeSignal, new CancellationTokenSource()).Cancel();

    /// <summary>
    /// Sends <c>{"type":"error","message":…}</c> on every open <c>/v1/stream</c> connection (streaming or
    /// idle), ahead of any result still waiting for its delay (those are dropped), then closes it with 1011.
    /// </summary>
    public void FailStreams(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Interlocked.Exchange(ref failSignal, new FailSignal()).Fire(message);
    }

    /// <summary>Calls <paramref name="fail"/> with the message of the next <see cref="FailStreams"/>.</summary>
    internal CancellationTokenRegistration OnFailStreams(Action<string> fail) => Volatile.Read(ref failSignal).Register(fail);

    private sealed class FailSignal
    {
        private readonly CancellationTokenSource fired = new();
        private string message = string.Empty;

        public CancellationTokenRegistration Register(Action<string> fail) =>
            fired.Token.Register(() => fail(Volatile.Read(ref message)));

        public void Fire(string failure)
        {
            Volatile.Write(ref message, failure);
            fired.Cancel();
        }
    }
}
