using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Grains.Telemetry;

/// <summary>
/// Each GPU server's pool as gauges, from the silo its pool grain is active on: the grain hands
/// in its status, in memory, after every probe and every change of its leases or health, and the
/// meter reads the latest at each collection. Lease expiries show at the next probe. A pool lives on one silo at a time, so a sum by backend across silos is the fleet.
/// </summary>
public sealed class PoolGauges
{
    private static readonly BackendHealth[] States = Enum.GetValues<BackendHealth>();

    private readonly ConcurrentDictionary<string, BackendPoolStatus> _pools = new(StringComparer.Ordinal);

    public PoolGauges(SttMetrics metrics)
    {
        metrics.Observe("orleansstt.silo.gpu.leases.active", "{lease}", "Leases held on each GPU server, by backend.", () =>
            _pools.Values.Select(p => new Measurement<int>(p.Active, Backend(p))));
        metrics.Observe("orleansstt.silo.gpu.capacity", "{stream}", "Each GPU server's configured capacity, by backend.", () =>
            _pools.Values.Select(p => new Measurement<int>(p.Capacity, Backend(p))));
        metrics.Observe("orleansstt.silo.gpu.health", "{state}", "1 for each GPU server's current health and 0 for the others, by backend and state (Healthy, Degraded, Unhealthy, Draining).", () =>
            _pools.Values.SelectMany(p => States.Select(state =>
                new Measurement<int>(p.Health == state ? 1 : 0, Backend(p), new("state", state.ToString())))));
    }

    private static KeyValuePair<string, object?> Backend(BackendPoolStatus pool) => new("backend", pool.BackendId);

    public void Report(BackendPoolStatus status) => _pools[status.BackendId] = status;

    public void Forget(string backendId) => _pools.TryRemove(backendId, out _);
}
