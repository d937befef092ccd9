namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>
/// The call reached an activation that does not hold the session (its silo died); the edge
/// rebuilds the session with <see cref="ISessionGrain.Recover"/>.
/// </summary>
[GenerateSerializer, Alias("stt.session-lost")]
public sealed class SessionLostException(string sessionId) : Exception($"Session {sessionId} is no longer held by the cluster.")
{
    [Id(0)]
    public string SessionId { get; } = sessionId;
}
