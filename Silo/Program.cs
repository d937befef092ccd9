using Orleans.Dashboard;
using Orleans.Hosting;
using OrleansStt.Hosting.Health;
using OrleansStt.Hosting.Cluster;
using OrleansStt.Hosting.Process;
using OrleansStt.Hosting.Operations;
using OrleansStt.Hosting.Security;
using OrleansStt.Hosting.Telemetry;

// A standalone silo: grains, delivery streams, the Orleans Dashboard and the operators' /v1/backends.
// Edges reach it through the cluster configured by Orleans:Redis; without Redis it forms a
// localhost cluster of its own that no edge joins (the embedded edge hosts its own silo).
return await ConsoleHost.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.UseOrleans(silo =>
    {
        silo.AddOrleansStt(builder.Configuration);
        // In Kubernetes (deploy/k8s): the silo is named after its pod, advertises POD_IP, and a silo
        // whose pod was deleted is declared dead at once. Membership stays in Redis. Opt-in with
        // Orleans:Kubernetes=true (deploy/k8s sets Orleans__Kubernetes): it needs the pod RBAC in
        // deploy/k8s/base/silo-rbac.yaml, and without it the hosting package retries the forbidden
        // API call in a tight loop and the silo never finishes starting. So a pod is not enough.
        if (builder.Configuration.GetValue<bool>("Orleans:Kubernetes"))
        {
            silo.UseKubernetesHosting();
        }
    });
    builder.Services.AddHealthChecks().AddSiloReadiness();
    builder.Services.AddSttTelemetry(builder.Configuration);
    // A silo has no clients of its own; only a one-box trial without Redis leaves its operator endpoints open.
    builder.Services.AddOperatorAccess(builder.Configuration, new OperatorAccessMode(
        OpenWithoutKeys: !ClusterSettings.From(builder.Configuration).UsesRedis, ClientKeys: []));

    var app = builder.Build();
    app.MapOrleansDashboard("/dashboard").RequireOperator();
    app.MapBackendOperations().RequireOperator();
    app.MapMetrics();
    app.MapHealthProbes();
    // /healthz was "the process is up"; it now answers as /healthz/ready (503 until this silo is Active).
    app.MapReadiness("/healthz");
    await app.RunAsync();
});
