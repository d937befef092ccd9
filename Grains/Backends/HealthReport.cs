namespace OrleansStt.Grains.Backends;

/// <summary>The body of a GPU server's <c>GET /health</c> (PROTOCOL §2.3).</summary>
public sealed record HealthReport(string? Status, int? ActiveStreams, int? Capacity);
