using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansStt.EdgeHost.Hosting;

namespace OrleansStt.EdgeHost.Health;

/// <summary>Unready from the moment the edge starts draining, so a load balancer sends new clients and resumes elsewhere.</summary>
internal sealed class EdgeDrainHealthCheck(EdgeDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(drain.IsDraining
            ? HealthCheckResult.Unhealthy("draining: new sessions and resumes belong on another edge")
            : HealthCheckResult.Healthy("accepting sessions"));
}
