namespace OrleansStt.EdgeHost.Listen;

/// <summary>The JSON body of a refused upgrade (PROTOCOL §1.2).</summary>
public sealed record Refusal(string Code, string Message);
