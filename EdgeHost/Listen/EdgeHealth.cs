namespace OrleansStt.EdgeHost.Listen;

/// <summary>The body of <c>/healthz</c>: <see cref="Sessions"/> client sockets open, out of <see cref="MaxSessions"/>.</summary>
public sealed record EdgeHealth(string Status, string EdgeId, int Sessions, int MaxSessions);
