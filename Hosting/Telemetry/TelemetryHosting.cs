using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OrleansStt.Grains.Telemetry;
using OrleansStt.Hosting.Security;

namespace OrleansStt.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry on every process: metrics (ours, Orleans', ASP.NET Core's and the runtime's) in
/// Prometheus format at <c>/metrics</c>, and traces over OTLP when a collector is configured.
/// </summary>
public static class TelemetryHosting
{
    // Orleans' own instruments (messaging, grains, membership, streams).
    private const string OrleansMeter = "Microsoft.Orleans";

    private const int MetricStreamLimit = 200;

    /// <summary>The OpenTelemetry SDK's own setting (an environment variable); unset, no traces are kept.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool TracesExported(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);

    public static IServiceCollection AddSttTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<SttMetrics>();
        var telemetry = services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SttMetrics.MeterName, OrleansMeter)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            // The SDK reserves room for 2,000 tag combinations in each of the ~320 streams these
            // meters publish: 57 MB of a gateway's heap, measured (docs/benchmarks.md), for streams
            // that see a handful. Beyond 200 a stream folds the rest into one overflow point.
            .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricStreamLimit })
            .AddPrometheusExporter());
        if (TracesExported(configuration))
        {
            // Our turning points and one span per HTTP request (a client socket's lasts as long as it).
            // Not Orleans' grain-call spans: under a socket's span every audio frame would add two.
            telemetry.WithTracing(traces => traces
                .AddSource(SttActivities.SourceName)
                .AddAspNetCoreInstrumentation(http => http.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/healthz") && !context.Request.Path.StartsWithSegments("/metrics"))
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>
    /// <c>/metrics</c>, behind the operator key like the Dashboard: session counts and GPU server
    /// names are the operator's business, and Prometheus sends a bearer credential.
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint("/metrics").RequireOperator();
}
