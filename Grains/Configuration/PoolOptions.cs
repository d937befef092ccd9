namespace OrleansStt.Grains.Configuration;

/// <summary>The <c>Stt:Pool</c> section: leases, health probing and warm connections, for every GPU server.</summary>
public sealed class PoolOptions
{
    /// <summary>A lease not renewed for this long is taken back (its session's silo is presumed dead).</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often each pool probes its server's <c>GET /health</c>.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive failed probes, or failures reported by sessions, that make a server unhealthy.</summary>
    public int UnhealthyAfter { get; set; } = 2;

    /// <summary>Consecutive passed probes that bring an unhealthy server back.</summary>
    public int HealthyAfter { get; set; } = 2;

    /// <summary>A server with a session-reported failure this recent is degraded: used last.</summary>
    public TimeSpan DegradedFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each silo refreshes its view of every pool's load and health.</summary>
    public TimeSpan StatusRefresh { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Idle sockets each silo keeps dialed to each healthy server, ready for the next session.</summary>
    public int MinIdleConnections { get; set; } = 2;

    /// <summary>Idle sockets above this are closed instead of kept.</summary>
    public int MaxIdleConnections { get; set; } = 16;

    /// <summary>WebSocket ping period on pooled sockets; a socket without a pong for as long again is discarded.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(5);
}
