namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>What <see cref="ISessionGrain.Recover"/> found.</summary>
[GenerateSerializer]
public enum RecoveryOutcome
{
    /// <summary>The session was gone and is rebuilt here: output of the lost activation is to be dropped.</summary>
    Rebuilt,

    /// <summary>
    /// The session was alive (a call was only slow, or lost on its way): it answers the new link now,
    /// and its output still addressed to the previous one is as good as any, since it comes from the
    /// same activation.
    /// </summary>
    Alive,

    /// <summary>The session ended, or another socket resumed it: the edge ends this socket.</summary>
    Gone,
}
