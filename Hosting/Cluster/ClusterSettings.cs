using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace OrleansStt.Hosting.Cluster;

/// <summary>
/// The <c>Orleans</c> configuration section shared by silos and edges. No <see cref="Redis"/>
/// means one process on localhost clustering; a Redis connection string means a real cluster.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Orleans";

    /// <summary>StackExchange.Redis connection string for membership (<c>Orleans__Redis</c>).</summary>
    public string? Redis { get; set; }

    public string ClusterId { get; set; } = "orleans-stt";

    public string ServiceId { get; set; } = "orleans-stt";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and edges reach this silo at; by default the host's own.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// How long an edge waits for the answer to a call into the cluster (Orleans' client
    /// <c>ResponseTimeout</c>, 30 s by default). The edge does not wait this long to find a dead
    /// silo (it probes a session whose call is unanswered after <c>Stt:Edge:ProbeAfter</c>); this
    /// is the last resort for a call that is merely never answered. Opening and resuming a session
    /// have 30 s of their own, a rebuild 10 s per attempt. Applies to a cluster only.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a silo waits for the answer to a call it makes (Orleans' silo <c>ResponseTimeout</c>):
    /// to another silo's grain, and above all a stream delivery to an edge. A delivery whose answer
    /// was on its way through a silo that died is never answered, and the stream's later results for
    /// that edge wait behind it for this long (docs/resilience.md measures it: with 5 s, clients of
    /// a crashed silo's neighbours heard nothing for 5–7 s). Calls inside the cluster are small
    /// in-memory turns, answered in milliseconds; one that times out is retried (a delivery) or
    /// fails over (a lease). Applies to a cluster only: the single-process gateway keeps Orleans' default.
    /// </summary>
    public TimeSpan SiloCallTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often an edge re-reads the list of silo gateways. Orleans' default (1 min) leaves an edge
    /// trying the gateway of a dead silo for up to a minute.
    /// </summary>
    public TimeSpan GatewayListRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a silo keeps messages for an edge whose connection dropped before it gives up on
    /// it. Orleans' default (1 min) is sized for clients that reconnect; an edge that died never
    /// does, and until it is dropped the delivery streams it subscribed to keep retrying it, which
    /// held up other edges' results behind it for tens of seconds (docs/resilience.md).
    /// </summary>
    public TimeSpan ClientDropTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);

    public void ApplyTo(ClusterOptions options)
    {
        options.ClusterId = ClusterId;
        options.ServiceId = ServiceId;
    }

    public static ClusterSettings From(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<ClusterSettings>() ?? new ClusterSettings();
        if (settings.AdvertisedIPAddress is { } ip && !IPAddress.TryParse(ip, out _))
        {
            throw new InvalidOperationException($"Orleans:AdvertisedIPAddress must be an IP address (got '{ip}').");
        }

        foreach (var (key, value) in new[] { ("CallTimeout", settings.CallTimeout), ("SiloCallTimeout", settings.SiloCallTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"Orleans:{key} must be a positive duration (got {value}).");
            }
        }

        return settings;
    }
}
