using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace OrleansStt.Grains.Hosting;

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
    /// How long any call in the cluster waits for its answer (Orleans' <c>ResponseTimeout</c>, 30 s by
    /// default, on edges and silos alike). It bounds what a client hears of a silo that died mid-call:
    /// an edge whose call to a session times out rebuilds the session (harmless when the grain was only
    /// slow: it keeps the session and takes the new link), and a stream agent whose delivery to an edge
    /// got lost with the edge's gateway silo tries again. Opening and resuming a session have 30 s of
    /// their own, a rebuild 10 s per attempt. docs/resilience.md measures the trade-off. Applies to a cluster only:
    /// the single-process gateway keeps Orleans' default.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

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

        return settings;
    }
}
