namespace OrleansStt.Hosting.Security;

/// <summary>The JSON body of a refused operator request: the same shape as the client protocol's refusals.</summary>
public sealed record AccessRefusal(string Code, string Message);
