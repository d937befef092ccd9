namespace OrleansStt.EdgeHost.Captions;

/// <summary>The body of <c>GET /captions-config</c>: what the captions page takes from the operator, not from its URL.</summary>
public sealed record CaptionsConfig(string? TokenUrl);
