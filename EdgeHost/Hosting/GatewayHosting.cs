using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Admission;
using OrleansStt.EdgeHost.Captions;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Delivery;
#if DEVELOPER_MODE
using OrleansStt.EdgeHost.Embedded;
#endif
using OrleansStt.EdgeHost.Health;
using OrleansStt.EdgeHost.Listen;
using OrleansStt.EdgeHost.Sessions;
using OrleansStt.Grains.Telemetry;
using OrleansStt.Hosting.Cluster;
using OrleansStt.Hosting.Health;
using OrleansStt.Hosting.Security;
using OrleansStt.Hosting.Telemetry;

namespace OrleansStt.EdgeHost.Hosting;

/// <summary>
/// An edge: client sockets in, a cluster client to the session grains, results out. With
/// <c>Orleans:Redis</c> it joins that cluster as a client; without it, only the developer build
/// runs at all, hosting its own silo (<see cref="DeveloperModeName"/>).
/// </summary>
public static class GatewayHosting
{
    /// <summary>The build property (EdgeHost.csproj) that compiles the embedded silo and simulated GPU servers in.</summary>
    public const string DeveloperModeName = "DeveloperMode";

    public static async Task AddGatewayAsync(this WebApplicationBuilder builder)
    {
        var cluster = ClusterSettings.From(builder.Configuration);
        builder.Services.AddSingleton(EdgeIdentity.CreateUnique(sessionsLiveElsewhere: cluster.UsesRedis));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionSlots>();
        builder.Services.AddSingleton<OutputBacklog>();
        builder.Services.AddSingleton<ClientQuotas>();
        builder.Services.AddSingleton<SessionTokens>();
        builder.Services.AddSttTelemetry(builder.Configuration);
        builder.Services.AddOptions<EdgeOptions>().Bind(builder.Configuration.GetSection(EdgeOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EdgeOptions>, EdgeOptionsValidator>();
        builder.Services.AddOptions<AdmissionOptions>().Bind(builder.Configuration.GetSection(AdmissionOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AdmissionOptions>, AdmissionOptionsValidator>();
        builder.Services.TryAddSingleton<LoadSignals>();
        builder.Services.AddSingleton<RecoveryCopies>();
        builder.Services.AddHostedService<LoadMonitor>();

        // Open without an operator key only as the developer's single-process gateway: a cluster, or
        // a gateway whose clients need keys, is one somebody means to expose.
        var clientKeys = builder.Configuration.GetSection($"{EdgeOptions.Section}:ApiKeys").Get<List<string>>() ?? [];
        builder.Services.AddOperatorAccess(builder.Configuration, new OperatorAccessMode(
            OpenWithoutKeys: !cluster.UsesRedis && clientKeys.Count == 0, ClientKeys: clientKeys));

        await builder.AddClusterAsync(cluster);

        // Registered after Orleans so that it starts after the client or silo and stops before it.
        builder.Services.AddSingleton<OutputRouter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutputRouter>());
        builder.Services.AddHostedService<DeliveryAudit>();
        builder.Services.AddSingleton<EdgeDrain>();
        builder.Services.AddHostedService(services => services.GetRequiredService<EdgeDrain>());
        builder.Services.AddEdgeHealthChecks(clusterClient: cluster.UsesRedis);
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapCaptionsPage();
        app.Use(UpgradedConnection.KeepAsync);
        app.UseWebSockets();
        app.MapListen();
        app.MapTokens();
        app.MapMetrics();
        var sockets = app.Services.GetRequiredService<SessionSlots>();
        var metrics = app.Services.GetRequiredService<SttMetrics>();
        metrics.Observe("orleansstt.edge.sessions", "{session}", "Client sockets open on this edge.", () => sockets.Taken);
        var load = app.Services.GetRequiredService<LoadSignals>();
        metrics.Observe("orleansstt.edge.admission.refusing", "1", "1 while this edge refuses every new session because it measured itself past what it serves on time.", () => load.IsOverloaded ? 1 : 0);
        metrics.Observe("orleansstt.edge.admission.bound", "{session}", "Most sessions this edge takes now, by what it has served on time (admission by measured load; int.MaxValue when off).", () => load.Bound);
        // Its gauges exist from the start, before the first client.
        app.Services.GetRequiredService<OutputBacklog>();
        // Unready while draining, so a load balancer sends new clients and resumes elsewhere.
        app.MapGet("/healthz", (EdgeIdentity edge, SessionSlots slots, EdgeDrain drain) => TypedResults.Json(
            new EdgeHealth(drain.IsDraining ? "draining" : "ok", edge.Id, slots.Taken, slots.Limit),
            EdgeJsonContext.Default.EdgeHealth,
            statusCode: drain.IsDraining ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK));
        app.MapHealthProbes();

#if DEVELOPER_MODE
        if (!ClusterSettings.From(app.Configuration).UsesRedis)
        {
            app.MapEmbeddedOperations();
        }
#endif

        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app));
        return app;
    }

    private static Task AddClusterAsync(this WebApplicationBuilder builder, ClusterSettings cluster)
    {
        if (cluster.UsesRedis)
        {
            builder.UseOrleansClient(client => client.AddOrleansStt(builder.Configuration));
            return Task.CompletedTask;
        }

#if DEVELOPER_MODE
        return builder.AddEmbeddedClusterAsync();
#else
        throw new InvalidOperationException(
            $"Orleans:Redis is not set, and this edge is a cluster client only (built without {DeveloperModeName}): set Orleans:Redis to the cluster's Redis (host:port).");
#endif
    }

    private static void PrintBanner(WebApplication app)
    {
        var lines = app.Services.GetServices<StartupLine>().ToList();
        foreach (var url in app.Urls)
        {
            var ws = url.Replace("http://", "ws://", StringComparison.Ordinal).Replace("https://", "wss://", StringComparison.Ordinal);
            Console.WriteLine($"Live captions:      {url}/  (a microphone in the browser)");
            Console.WriteLine($"OrleansStt gateway: connect to {ws}/v1/listen");
            foreach (var line in lines.Where(l => l.UnderEachUrl))
            {
                Console.WriteLine($"{line.Label + ":",-20}{url}{line.Text}");
            }
        }

        foreach (var line in lines.Where(l => !l.UnderEachUrl))
        {
            Console.WriteLine($"{line.Label + ":",-20}{line.Text}");
        }
    }
}
