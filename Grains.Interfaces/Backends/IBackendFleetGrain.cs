namespace OrleansStt.Grains.Interfaces.Backends;

/// <summary>
/// Every configured GPU server at once, for operators: edges and tools need not know the
/// configuration, and any silo answers (a stateless worker, activated where it is called).
/// </summary>
public interface IBackendFleetGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<BackendPoolStatus>> GetStatuses();
}
