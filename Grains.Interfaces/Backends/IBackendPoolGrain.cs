using Orleans.Concurrency;

namespace OrleansStt.Grains.Interfaces.Backends;

/// <summary>
/// The cluster-wide authority for one GPU server, keyed by backend id. Its single-threaded
/// turns serialize lease accounting, so no server ever carries more streams than its capacity.
/// Leases expire unless renewed, so the leases of sessions on a dead silo come back by themselves.
/// </summary>
public interface IBackendPoolGrain : IGrainWithStringKey
{
    /// <summary>
    /// A lease for <paramref name="sessionId"/>, or null when the server is full, unhealthy or
    /// draining. <paramref name="failover"/> marks a session moving here from a failed server.
    /// </summary>
    Task<BackendLease?> TryLease(string sessionId, bool failover = false);

    /// <summary>
    /// Extends the session's lease; re-creates it when this pool lost it (the pool's silo died).
    /// One-way, like a heartbeat: a renewal lost on the way to a dead silo must not hold up the next.
    /// </summary>
    [OneWay]
    Task Renew(string sessionId);

    /// <summary>Returns the session's lease; releasing twice or a lease never held is a no-op.</summary>
    Task Release(string sessionId);

    /// <summary>A session's report of trouble on this server; enough of them make it unhealthy. One-way: reporting must not stall a failover.</summary>
    [OneWay]
    Task ReportFailure(BackendFailure failure);

    /// <summary>Stops (or resumes) giving out leases; running sessions are not touched.</summary>
    Task SetDraining(bool draining);

    /// <summary>The pool's status. Named so because the Orleans Dashboard's grain-state page calls a grain's <c>GetState</c>.</summary>
    Task<BackendPoolStatus> GetState();
}
