namespace OrleansStt.Grains.Interfaces.Backends;

/// <summary>
/// The cluster-wide authority for one GPU server, keyed by backend id: its single-threaded
/// turns serialize lease accounting, so no server ever carries more streams than its capacity.
/// </summary>
public interface IBackendPoolGrain : IGrainWithStringKey
{
    /// <summary>A lease for <paramref name="sessionId"/>, or null when the server is full.</summary>
    Task<BackendLease?> TryLease(string sessionId);

    /// <summary>Returns the session's lease; releasing twice or a lease never held is a no-op.</summary>
    Task Release(string sessionId);

    Task<BackendPoolStatus> GetStatus();
}
