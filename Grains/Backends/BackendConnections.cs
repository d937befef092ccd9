using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.Grains.Backends;

/// <summary>This silo's socket pools, one per configured GPU server, warmed when the silo starts.</summary>
public sealed class BackendConnections(
    IOptions<SttOptions> options,
    BackendDirectory directory,
    IGrainFactory grains,
    SttMetrics metrics,
    ILogger<BackendSocketPool> logger) : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<BackendSocketPool>> _pools = new(StringComparer.Ordinal);

    public BackendSocketPool For(string backendId) => _pools.GetOrAdd(backendId, id => new Lazy<BackendSocketPool>(() =>
    {
        var backend = options.Value.Backends.Find(b => b.Id == id) ?? throw new ArgumentException($"No backend '{id}' is configured.");
        return new BackendSocketPool(backend, options.Value.Pool, options.Value.Session.ConnectTimeout, directory, grains, logger);
    })).Value;

    /// <summary>The pools that exist on this silo, for operators and tests.</summary>
    public IReadOnlyDictionary<string, BackendSocketPool> Pools =>
        _pools.Where(p => p.Value.IsValueCreated).ToDictionary(p => p.Key, p => p.Value.Value);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BackendConnections), ServiceLifecycleStage.Active, _ =>
        {
            foreach (var backend in options.Value.Backends)
            {
                For(backend.Id);
            }

            metrics.Observe("orleansstt.silo.gpu.sockets", "{socket}", "This silo's pooled sockets to each GPU server, by state: idle (warm) or lent (carrying a stream).", () =>
                Pools.SelectMany(pool => new[]
                {
                    new Measurement<int>(pool.Value.Idle, new("backend", pool.Key), new("state", "idle")),
                    new Measurement<int>(pool.Value.InUse, new("backend", pool.Key), new("state", "lent")),
                }));

            return Task.CompletedTask;
        });

    // Called twice: the container owns this instance under two registrations.
    public async ValueTask DisposeAsync()
    {
        var pools = Pools.Values.ToList();
        _pools.Clear();
        foreach (var pool in pools)
        {
            await pool.DisposeAsync();
        }
    }
}
