namespace OrleansStt.EdgeHost.Delivery;

/// <summary>
/// This edge process's name on the cluster (its sessions' results come back on the delivery streams
/// of this id), and whether its sessions live in other processes, so that the edge keeps what it
/// needs to rebuild a session whose silo dies.
/// </summary>
public sealed record EdgeIdentity(string Id, bool SessionsLiveElsewhere)
{
    // Random start: link numbers are compared across edges (a resumed session's link against its
    // old edge's), so two edges must not count from the same place.
    private long _lastLink = Random.Shared.NextInt64(long.MaxValue / 2);

    public static EdgeIdentity CreateUnique(bool sessionsLiveElsewhere) => new($"{Environment.MachineName}-{Guid.NewGuid():N}", sessionsLiveElsewhere);

    /// <summary>A number no other socket attachment on this edge has had (see <c>EdgeLink</c>).</summary>
    public long NextLinkId() => Interlocked.Increment(ref _lastLink);
}
