using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansStt.EdgeHost.Health;

/// <summary>
/// Ready when this edge, a cluster client, has a connection open to at least one silo gateway:
/// every call of a session goes through one. The Orleans client reports each gateway connection
/// that opens or closes, so a probe only reads a number: no grain call, so no activation and no
/// load on the cluster per probe, and no answer that a busy silo could delay past the probe's
/// timeout. A connection that is open but whose silo hangs is membership's to detect; the gateway
/// list drops that silo once it is declared dead.
/// </summary>
public sealed class ClusterConnectionHealthCheck : IHealthCheck, IClusterConnectionStatusObserver
{
    private int _gateways;

    // Orleans reports each change after its own atomic count and outside any lock, so reports may
    // arrive out of order: adding the differences (which commute) ends at the true count where
    // storing the last "current" might not.
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
        Interlocked.Add(ref _gateways, currentNumberOfGateways - previousNumberOfGateways);

    // Every connection's close is reported on its own as well; a "lost" arriving after a newer
    // "opened" must not wipe that out.
    public void NotifyClusterConnectionLost()
    {
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var gateways = Volatile.Read(ref _gateways);
        return Task.FromResult(gateways > 0
            ? HealthCheckResult.Healthy($"connected to {gateways} silo gateway(s)")
            : HealthCheckResult.Unhealthy("not connected to any silo gateway"));
    }
}
