using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using OrleansStt.EdgeHost.Captions;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Delivery;
using OrleansStt.EdgeHost.Embedded;
using OrleansStt.EdgeHost.Health;
using OrleansStt.EdgeHost.Listen;
using OrleansStt.Grains.Health;
using OrleansStt.Grains.Hosting;
using OrleansStt.Grains.Operations;
using OrleansStt.Grains.Security;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.EdgeHost.Hosting;

/// <summary>
/// One binary, two shapes: with <c>Orleans:Redis</c> the edge is a thin cluster client; without
/// it the edge hosts its own silo (localhost clustering) and, when no GPU servers are
/// configured, simulated ones, so that one command gives a working gateway.
/// </summary>
public static class GatewayHosting
{
    public static async Task AddGatewayAsync(this WebApplicationBuilder builder)
    {
        var cluster = ClusterSettings.From(builder.Configuration);
        // Each client frame goes straight on to an awaited grain call, which never blocks: running
        // it on the socket's thread saves a thread-pool hand-off per frame (docs/benchmarks.md).
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.Services.AddSingleton(EdgeIdentity.CreateUnique(sessionsLiveElsewhere: cluster.UsesRedis));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionSlots>();
        builder.Services.AddSingleton<ClientQuotas>();
        builder.Services.AddSingleton<SessionTokens>();
        builder.Services.AddSttTelemetry(builder.Configuration);
        builder.Services.AddOptions<EdgeOptions>().Bind(builder.Configuration.GetSection(EdgeOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EdgeOptions>, EdgeOptionsValidator>();

        // Open without an operator key only as the developer's single-process gateway: a cluster, or
        // a gateway whose clients need keys, is one somebody means to expose.
        var clientKeys = builder.Configuration.GetSection($"{EdgeOptions.Section}:ApiKeys").Get<List<string>>() ?? [];
        builder.Services.AddOperatorAccess(builder.Configuration, new OperatorAccessMode(
            OpenWithoutKeys: !cluster.UsesRedis && clientKeys.Count == 0, ClientKeys: clientKeys));

        if (cluster.UsesRedis)
        {
            builder.UseOrleansClient(client => client.AddOrleansStt(builder.Configuration));
        }
        else
        {
            await AddSimulatedFleetWhenNoBackendsAsync(builder);
            builder.UseOrleans(silo => silo.AddOrleansStt(builder.Configuration));
        }

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
        app.UseWebSockets();
        app.MapListen();
        app.MapTokens();
        app.MapMetrics();
        var sockets = app.Services.GetRequiredService<SessionSlots>();
        app.Services.GetRequiredService<SttMetrics>().Observe("orleansstt.edge.sessions", "{session}", "Client sockets open on this edge.", () => sockets.Taken);
        // Unready while draining, so a load balancer sends new clients and resumes elsewhere.
        app.MapGet("/healthz", (EdgeIdentity edge, SessionSlots slots, EdgeDrain drain) => TypedResults.Json(
            new EdgeHealth(drain.IsDraining ? "draining" : "ok", edge.Id, slots.Taken, slots.Limit),
            EdgeJsonContext.Default.EdgeHealth,
            statusCode: drain.IsDraining ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK));
        app.MapHealthProbes();

        if (!ClusterSettings.From(app.Configuration).UsesRedis)
        {
            // The single-process gateway hosts a silo, and with it the operators' endpoints.
            app.MapOrleansDashboard("/dashboard").RequireOperator();
            app.MapBackendOperations().RequireOperator();
        }

        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app));
        return app;
    }

    private static async Task AddSimulatedFleetWhenNoBackendsAsync(WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetSection("Stt:Backends").GetChildren().Any())
        {
            return;
        }

        var options = builder.Configuration.GetSection(SimulatedFleetOptions.Section).Get<SimulatedFleetOptions>() ?? new SimulatedFleetOptions();
        var fleet = await SimulatedFleet.StartAsync(options);
        builder.Services.AddSingleton(fleet);
        builder.Configuration.AddInMemoryCollection(fleet.AsBackendConfiguration());
    }

    private static void PrintBanner(WebApplication app)
    {
        var embedded = !ClusterSettings.From(app.Configuration).UsesRedis;
        foreach (var url in app.Urls)
        {
            var ws = url.Replace("http://", "ws://", StringComparison.Ordinal).Replace("https://", "wss://", StringComparison.Ordinal);
            Console.WriteLine($"Live captions:      {url}/  (a microphone in the browser)");
            Console.WriteLine($"OrleansStt gateway: connect to {ws}/v1/listen");
            if (embedded)
            {
                Console.WriteLine($"Orleans Dashboard:  {url}/dashboard");
            }
        }

        if (app.Services.GetService<SimulatedFleet>() is { } fleet)
        {
            Console.WriteLine($"GPU servers:        {fleet.Servers.Count} in-process, {fleet.Capacity} streams each ({string.Join(", ", fleet.Servers.Select(s => s.StreamUri))})");
            Console.WriteLine($"Recognizer:         {fleet.Describe()}");
        }
    }
}
