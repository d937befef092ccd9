namespace OrleansStt.EdgeHost.Sessions;

/// <summary>The session answers another socket now (a resume elsewhere): this one only waits for its 4000.</summary>
public sealed class SocketSupersededException(string sessionId) : Exception($"Session {sessionId} moved to another socket.");
