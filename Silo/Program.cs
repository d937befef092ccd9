using Orleans.Dashboard;
using OrleansStt.Grains.Hosting;
using OrleansStt.Grains.Operations;

// A standalone silo: grains, delivery streams and the Orleans Dashboard; edges connect to it
// through the cluster configured by Orleans:Redis (or localhost clustering for a one-box trial).
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
