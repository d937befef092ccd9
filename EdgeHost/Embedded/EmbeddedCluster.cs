using Orleans.Dashboard;
using OrleansStt.EdgeHost.Hosting;
using OrleansStt.Hosting.Cluster;
using OrleansStt.Hosting.Operations;
using OrleansStt.Hosting.Security;

namespace OrleansStt.EdgeHost.Embedded;

/// <summary>
/// The developer's single-process gateway: without <c>Orleans:Redis</c> the edge hosts its own
/// silo (localhost clustering) and, when no GPU servers are configured, simulated ones, so that
/// one command gives a working gateway. Compiled only into the developer build of the edge
/// (<c>DeveloperMode</c> in EdgeHost.csproj); the container's edge is a cluster client and
/// nothing else.
/// </summary>
public static class EmbeddedCluster
{
    public static async Task AddEmbeddedClusterAsync(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetSection("Stt:Backends").GetChildren().Any())
        {
            var options = builder.Configuration.GetSection(SimulatedFleetOptions.Section).Get<SimulatedFleetOptions>() ?? new SimulatedFleetOptions();
            var fleet = await SimulatedFleet.StartAsync(options);
            builder.Services.AddSingleton(fleet);
            builder.Configuration.AddInMemoryCollection(fleet.AsBackendConfiguration());
            builder.Services.AddSingleton(new StartupLine("GPU servers", $"{fleet.Servers.Count} in-process, {fleet.Capacity} streams each ({string.Join(", ", fleet.Servers.Select(s => s.StreamUri))})"));
            builder.Services.AddSingleton(new StartupLine("Recognizer", fleet.Describe()));
        }

        builder.UseOrleans(silo => silo.AddOrleansStt(builder.Configuration));
        builder.Services.AddSingleton(new StartupLine("Orleans Dashboard", "/dashboard", UnderEachUrl: true));
    }

    /// <summary>The silo's operator endpoints, which a standalone silo serves in a cluster.</summary>
    public static void MapEmbeddedOperations(this WebApplication app)
    {
        app.MapOrleansDashboard("/dashboard").RequireOperator();
        app.MapBackendOperations().RequireOperator();
    }
}
