namespace OrleansStt.Grains.Configuration;

public sealed class SessionOptions
{
    /// <summary>A session with no audio or keepalive for this long is closed (<c>idle_timeout</c>).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

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

    /// <summary>Failovers one session may make before it gives up with <c>backend_unavailable</c>.</summary>
    public int MaxBackendSwitches { get; set; } = 3;
}
