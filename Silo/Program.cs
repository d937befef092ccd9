using Orleans.Dashboard;
using OrleansStt.Grains.Hosting;
using OrleansStt.Grains.Operations;
using OrleansStt.Grains.Security;

// A standalone silo: grains, delivery streams, the Orleans Dashboard and the operators' /v1/backends.
// Edges reach it through the cluster configured by Orleans:Redis; without Redis it forms a
// localhost cluster of its own that no edge joins (the embedded edge hosts its own silo).
return await ConsoleHost.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.UseOrleans(silo => silo.AddOrleansStt(builder.Configuration));
    // A silo has no clients of its own; only a one-box trial without Redis leaves its operator endpoints open.
    builder.Services.AddOperatorAccess(builder.Configuration, new OperatorAccessMode(
        OpenWithoutKeys: !ClusterSettings.From(builder.Configuration).UsesRedis, ClientKeys: []));

    var app = builder.Build();
    app.MapOrleansDashboard("/dashboard").RequireOperator();
    app.MapBackendOperations().RequireOperator();
    app.MapGet("/healthz", () => Results.Text("""{"status":"ok"}""", "application/json"));
    await app.RunAsync();
});
