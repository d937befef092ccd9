namespace OrleansStt.Hosting.Health;

/// <summary>The body of <c>/healthz/live</c> and <c>/healthz/ready</c>: the overall status and each check's.</summary>
public sealed record HealthBody(string Status, IReadOnlyList<HealthCheckBody> Checks);

/// <summary>One check: its name, <c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>, and why, in words.</summary>
public sealed record HealthCheckBody(string Name, string Status, string? Description);
