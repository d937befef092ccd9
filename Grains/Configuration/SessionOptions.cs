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
    /// Audio sent with no message back from the GPU server for this long counts as a stall and
    /// moves the session to another server. Servers silent through long pauses need more.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Audio kept since the last final, replayed to the next server on failover. Costs
    /// sample_rate × 2 bytes per second per session: 32 KB/s at 16 kHz, so 960 KB for 30 s.
    /// </summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failovers one session may make before it gives up with <c>backend_unavailable</c>.</summary>
    public int MaxBackendSwitches { get; set; } = 3;
}
