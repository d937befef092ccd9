namespace OrleansStt.Grains.Configuration;

public sealed class SessionOptions
{
    /// <summary>A session with no audio or keepalive for this long is closed (<c>idle_timeout</c>).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A linked session that receives no audio frame for this long is closed (<c>no_audio</c>), even
    /// if keepalives come: a GPU stream is the fleet's scarcest resource, and a microphone sends
    /// audio all the time (silence too). Keepalives bridge pauses longer than the idle timeout
    /// and up to this; a push-to-talk client closes and opens a session per utterance.
    /// </summary>
    public TimeSpan NoAudioTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a session may last (<c>closed</c> <c>max_lifetime</c>); a client that needs longer opens a new one.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How long <c>close_stream</c> waits for the GPU server's <c>stopped</c>.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long dialing a GPU server and sending <c>start</c> may take before trying the next.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A GPU server that does not answer <c>stop</c> within this long counts as stalled, and the
    /// session moves to another server to get its last results. (Silence mid-stream is normal:
    /// servers say nothing during pauses; a dead server is found by its socket's pings instead.)
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Audio kept since the last final, replayed to the next server on failover. Costs
    /// sample_rate × 2 bytes per second per session while no final comes: 32 KB/s at 16 kHz, so
    /// 320 KB for 10 s. Speech gets a final at every pause, so most sessions hold far less; an
    /// utterance longer than this that is cut by a failover loses its start.
    /// </summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The replay buffer's hard cap whatever the sample rate (a 192 kHz session would otherwise keep 11.5 MB).</summary>
    public int ReplayMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most replay audio all sessions of one silo keep together. Speech with finals at its
    /// pauses keeps far less (3,000 sessions at ~1.5 s each since their last final: ~150 MB); audio
    /// that never gets a final (music, noise, a recognizer without endpointing, the echo benchmark)
    /// would keep each session's whole window, 320 KB at 16 kHz: ~1 GB for 3,000 sessions (1,559 MB
    /// of RSS measured after five minutes, docs/benchmarks.md). Past this limit, sessions that append give up their oldest audio
    /// first: a failover then loses the start of their longest utterances.
    /// </summary>
    public long ReplayBudgetBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Failovers one session may make before it gives up with <c>backend_unavailable</c>.</summary>
    public int MaxBackendSwitches { get; set; } = 3;

    /// <summary>
    /// How long a session whose client socket broke without <c>close_stream</c> keeps its GPU stream
    /// and its log, waiting for the client to resume (PROTOCOL §1.3). Then it ends and lets go of its lease.
    /// </summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most messages the session log keeps for resumes and re-sends: a resume after a socket broke
    /// needs the messages since then. 512 cover about 100 s of speech results (partials, finals and
    /// a translation, ~5 per second) and 25 s of the echo benchmark's one result per 20 ms frame.
    /// The log's retained messages cost the garbage collector at high result rates
    /// (docs/benchmarks.md), which is why it is not larger.
    /// </summary>
    public int LogMaxMessages { get; set; } = 512;

    /// <summary>The log's cap in bytes of message text (the oldest go first), whatever the message count.</summary>
    public int LogMaxBytes { get; set; } = 128 * 1024;

    /// <summary>
    /// How long an ended session stays to re-send its last messages if an edge reports them missing.
    /// An edge that wrote the last message lets the session go at once; this bounds the wait otherwise.
    /// </summary>
    public TimeSpan EndedRetention { get; set; } = TimeSpan.FromSeconds(10);
}
