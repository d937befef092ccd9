namespace OrleansStt.EdgeHost.Delivery;

/// <summary>
/// This edge process's name on the cluster (its sessions' results come back on the delivery streams
/// of this id), and whether its sessions live in other processes, so that the edge keeps what it
/// needs to rebuild a session whose silo dies.
/// </summary>
public sealed record EdgeIdentity(string Id, bool SessionsLiveElsewhere)
{
    private long _lastLink;

    public static EdgeIdentity CreateUnique(bool sessionsLiveElsewhere) => new($"{Environment.MachineName}-{Guid.NewGuid():N}", sessionsLiveElsewhere);

    /// <summary>A number no other socket attachment on this edge has had (see <c>EdgeLink</c>).</summary>
    public long NextLinkId() => Interlocked.Increment(ref _lastLink);
}
