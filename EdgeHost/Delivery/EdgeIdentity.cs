namespace OrleansStt.EdgeHost.Delivery;

/// <summary>This edge process's name on the cluster: its sessions' results come back on the stream of this id.</summary>
public sealed record EdgeIdentity(string Id)
{
    public static EdgeIdentity CreateUnique() => new($"{Environment.MachineName}-{Guid.NewGuid():N}");
}
