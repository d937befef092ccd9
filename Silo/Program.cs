using Orleans.Dashboard;
using OrleansStt.Grains.Hosting;
using OrleansStt.Grains.Operations;

// A standalone silo: grains, delivery streams, the Orleans Dashboard and the operators' /v1/backends.
// Edges reach it through the cluster configured by Orleans:Redis; without Redis it forms a
// localhost cluster of its own that no edge joins (the embedded edge hosts its own silo).
return await ConsoleHost.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.UseOrleans(silo => silo.AddOrleansStt(builder.Configuration));

    var app = builder.Build();
    app.MapOrleansDashboard("/dashboard");
    app.MapBackendOperations();
    app.MapGet("/healthz", () => Results.Text("""{"status":"ok"}""", "application/json"));
    await app.RunAsync();
});
