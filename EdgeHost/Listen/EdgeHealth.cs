namespace OrleansStt.EdgeHost.Listen;

/// <summary>The body of <c>/healthz</c>.</summary>
public sealed record EdgeHealth(string Status, string EdgeId, int Sessions);
