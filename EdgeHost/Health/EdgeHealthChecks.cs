using OrleansStt.Hosting.Health;

namespace OrleansStt.EdgeHost.Health;

/// <summary>
/// What an edge's <c>/healthz/ready</c> checks: that it is not draining, and that it reaches the
/// cluster: as a cluster client, a connection to a silo gateway; hosting its own silo, that silo
/// being Active.
/// </summary>
public static class EdgeHealthChecks
{
    public static IServiceCollection AddEdgeHealthChecks(this IServiceCollection services, bool clusterClient)
    {
        var checks = services.AddHealthChecks();
        if (clusterClient)
        {
            // One instance: the Orleans client notifies it, the health check service reads it.
            services.AddSingleton<ClusterConnectionHealthCheck>();
            services.AddSingleton<IClusterConnectionStatusObserver>(s => s.GetRequiredService<ClusterConnectionHealthCheck>());
            checks.AddCheck<ClusterConnectionHealthCheck>("cluster", tags: [HealthProbes.ReadyTag]);
        }
        else
        {
            checks.AddSiloReadiness();
        }

        checks.AddCheck<EdgeDrainHealthCheck>("drain", tags: [HealthProbes.ReadyTag]);
        return services;
    }
}
