using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// Per-key session counts on this edge (<see cref="EdgeOptions.MaxSessionsPerClient"/>), so one
/// key cannot take every GPU stream: a concurrency limiter per client, from System.Threading.RateLimiting.
/// </summary>
public sealed class ClientQuotas(IOptions<EdgeOptions> options) : IDisposable
{
    // Without keys, clients cannot be told apart (an address may be a whole office behind NAT):
    // Stt:Edge:MaxSessions is then the only bound.
    private readonly PartitionedRateLimiter<string> _sessions = PartitionedRateLimiter.Create<string, string>(client =>
        client == ApiKeys.Anonymous
            ? RateLimitPartition.GetNoLimiter(client)
            : RateLimitPartition.GetConcurrencyLimiter(client, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = options.Value.MaxSessionsPerClient,
                QueueLimit = 0,
            }));

    public int Limit => options.Value.MaxSessionsPerClient;

    /// <summary>A session slot for <paramref name="client"/>, held until the lease is disposed; check <see cref="RateLimitLease.IsAcquired"/>.</summary>
    public RateLimitLease TryOpen(string client) => _sessions.AttemptAcquire(client);

    public void Dispose() => _sessions.Dispose();
}
