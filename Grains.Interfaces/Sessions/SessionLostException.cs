namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>The session's grain no longer holds it (its silo died); the client must start over.</summary>
[GenerateSerializer, Alias("stt.session-lost")]
public sealed class SessionLostException(string sessionId) : Exception($"Session {sessionId} is no longer held by the cluster.")
{
    [Id(0)]
    public string SessionId { get; } = sessionId;
}
