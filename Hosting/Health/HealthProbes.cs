using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansStt.Hosting.Health;

/// <summary>
/// The probes every process answers, with ASP.NET Core health checks: <c>/healthz/live</c> (the
/// process is up; no check runs, so a slow dependency never gets a live process restarted) and
/// <c>/healthz/ready</c> (every check tagged <see cref="ReadyTag"/>: send it traffic). 200 when
/// healthy, 503 when not. Open to anyone: load balancers and orchestrators carry no operator key,
/// and the bodies say only states, never addresses, keys or exception details.
/// </summary>
public static class HealthProbes
{
    public const string ReadyTag = "ready";

    public const string LivePath = "/healthz/live";

    public const string ReadyPath = "/healthz/ready";

    /// <summary>Readiness includes "this silo is Active in the cluster" (a silo, or an edge that hosts one).</summary>
    public static IHealthChecksBuilder AddSiloReadiness(this IHealthChecksBuilder checks) =>
        checks.AddCheck<SiloActiveHealthCheck>("silo", tags: [ReadyTag]);

    public static IEndpointRouteBuilder MapHealthProbes(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(LivePath, Options(_ => false));
        app.MapReadiness(ReadyPath);
        return app;
    }

    /// <summary>Readiness at <paramref name="path"/>; a silo answers it at <c>/healthz</c> too.</summary>
    public static IEndpointConventionBuilder MapReadiness(this IEndpointRouteBuilder app, string path) =>
        app.MapHealthChecks(path, Options(check => check.Tags.Contains(ReadyTag)));

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = WriteAsync,
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new HealthBody(
            Name(report.Status),
            [.. report.Entries.Select(entry => new HealthCheckBody(
                entry.Key,
                Name(entry.Value.Status),
                // A check that threw has its exception's message here; it may name hosts or paths.
                entry.Value.Exception is null ? entry.Value.Description : "the check failed"))]);
        return context.Response.WriteAsJsonAsync(body, HealthJsonContext.Default.HealthBody);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
