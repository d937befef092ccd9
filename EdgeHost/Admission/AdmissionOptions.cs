namespace OrleansStt.EdgeHost.Admission;

/// <summary>
/// The <c>Stt:Edge:Admission</c> section: when this edge stops taking new sessions because it is
/// past what it can serve on time, judged from what it measures of itself. Sessions it holds are
/// never dropped for load, and resumes are always taken.
/// </summary>
public sealed class AdmissionOptions
{
    public const string Section = "Stt:Edge:Admission";

    /// <summary>Off: only <c>Stt:Edge:MaxSessions</c> refuses new sessions.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Results slower than this from a session's publish to its client socket count as late; more
    /// than 1% late in a <see cref="Window"/> (at least <see cref="MinimumLate"/> of them) is overload.
    /// </summary>
    public TimeSpan DeliveryLatencyLimit { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Late deliveries in a window that count at all: a handful after a GC pause is not overload.</summary>
    public int MinimumLate { get; set; } = 5;

    /// <summary>
    /// Work queued to the thread pool that waits longer than this to start is late; late in more
    /// than half of a window's probes is overload (every frame and result of this process waits in that queue).
    /// </summary>
    public TimeSpan DispatchLagLimit { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How often the thread pool is probed.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How much measurement one judgement takes; shorter reacts sooner to a rush of new sessions.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long new sessions are refused after the last overloaded window; refused clients are told
    /// to come back after it plus up to as much again at random (<c>Retry-After</c>, whole seconds).
    /// </summary>
    public TimeSpan HoldFor { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Sessions taken before any measurement shows this edge serving sessions on time. A cold edge
    /// (just started, or just scaled out) compiles and connects as the first results flow, and
    /// measures nothing meanwhile: without this bound a rush of clients would all be taken blind.
    /// </summary>
    public int SlowStartSessions { get; set; } = 100;

    /// <summary>
    /// New sessions are taken up to this factor of the most sessions held throughout a window whose
    /// results reached their clients on time; so the bound grows as windows are served on time
    /// (sessions that joined during a window count from the next). A window without results proves
    /// nothing: an edge whose sessions are all silent stays at <see cref="SlowStartSessions"/>. After an
    /// overload it takes no more than 90% of the sessions it held then, until it serves that many on time again.
    /// </summary>
    public double SlowStartGrowth { get; set; } = 1.2;
}
