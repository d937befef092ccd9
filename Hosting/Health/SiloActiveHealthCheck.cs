using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace OrleansStt.Hosting.Health;

/// <summary>
/// Ready when this silo is <see cref="SiloStatus.Active"/> in the cluster's membership: before
/// that it is still joining (no grain is placed on it, its gateway is not advertised), after it it
/// is shutting down or declared dead. Reads the silo's own view, so a probe costs no call.
/// </summary>
internal sealed class SiloActiveHealthCheck(ISiloStatusOracle membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var status = membership.CurrentStatus;
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("this silo is Active in the cluster")
            : HealthCheckResult.Unhealthy($"this silo is {status}, not Active"));
    }
}
