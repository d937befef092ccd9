namespace OrleansStt.EdgeHost.Sessions;

/// <summary>A call the edge stopped waiting for because the session was re-linked (rebuilt, or found alive) meanwhile.</summary>
public sealed class CallAbandonedException(string sessionId) : Exception($"Session {sessionId} was re-linked while the call waited for its answer.");
