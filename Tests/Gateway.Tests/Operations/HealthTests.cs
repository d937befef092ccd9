using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansStt.EdgeHost.Health;
using OrleansStt.EdgeHost.Hosting;
using OrleansStt.Gateway.Tests.Cluster;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>
/// What an orchestrator's probes see: <c>/healthz/live</c> (the process is up), <c>/healthz/ready</c>
/// (send it traffic), on real Kestrel sockets, without an operator key.
/// </summary>
public sealed class HealthTests
{
    [Fact]
    public async Task An_embedded_edge_is_live_and_ready_without_a_key_and_unready_while_it_drains()
    {
        // Operator endpoints closed by a key, to show that the probes need none.
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Stt:Simulated:Count"] = "1",
            ["Stt:Simulated:Mode"] = "Echo",
            ["Stt:Operators:Keys:0"] = "operator-key",
        });
        using var http = new HttpClient { BaseAddress = new UriBuilder(gateway.ListenUri) { Scheme = "http", Path = "/" }.Uri };

        var live = await ProbeAsync(http, "/healthz/live");
        var ready = await ProbeAsync(http, "/healthz/ready");

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard")).StatusCode);
        Assert.Equal((HttpStatusCode.OK, "healthy"), (live.Code, live.Status));
        Assert.Empty(live.Checks);
        Assert.Equal((HttpStatusCode.OK, "healthy"), (ready.Code, ready.Status));
        Assert.Equal([("silo", "healthy"), ("drain", "healthy")], ready.Checks);

        // What the host runs first on SIGTERM; with no client connected it returns at once and the edge stays draining.
        await gateway.Services.GetRequiredService<EdgeDrain>().StoppingAsync(CancellationToken.None);

        var drainingLive = await ProbeAsync(http, "/healthz/live");
        var drainingReady = await ProbeAsync(http, "/healthz/ready");
        using var legacy = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, drainingLive.Code);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "unhealthy"), (drainingReady.Code, drainingReady.Status));
        Assert.Equal([("silo", "healthy"), ("drain", "unhealthy")], drainingReady.Checks);
        Assert.Contains("draining", drainingReady.Body);
        // The edge's own /healthz is unchanged: 503 "draining", with its session counts.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, legacy.StatusCode);
        Assert.Equal("draining", JsonDocument.Parse(await legacy.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_silo_process_and_a_clustered_edge_are_ready_once_they_have_joined()
    {
        await using var cluster = await RedisTestCluster.StartAsync();
        var silo = cluster.StartSiloProcess();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        await using var edge = await cluster.StartEdgeAsync();
        using var http = new HttpClient();
        var edgeHttp = new UriBuilder(edge.ListenUri) { Scheme = "http", Path = "/" }.Uri;

        var siloLive = await ProbeAsync(http, new Uri(silo.Http, "/healthz/live"));
        var siloReady = await ProbeAsync(http, new Uri(silo.Http, "/healthz/ready"));
        var siloLegacy = await ProbeAsync(http, new Uri(silo.Http, "/healthz"));
        // The client reports its gateway connection as it opens, which may be just after the host started.
        await Eventually.Equal(HttpStatusCode.OK, async () => (await ProbeAsync(http, new Uri(edgeHttp, "/healthz/ready"))).Code);
        var edgeReady = await ProbeAsync(http, new Uri(edgeHttp, "/healthz/ready"));

        Assert.Equal(HttpStatusCode.OK, siloLive.Code);
        Assert.Equal((HttpStatusCode.OK, "healthy"), (siloReady.Code, siloReady.Status));
        Assert.Equal([("silo", "healthy")], siloReady.Checks);
        // A silo's /healthz answers as its readiness.
        Assert.Equal(siloReady.Checks, siloLegacy.Checks);
        Assert.Equal((HttpStatusCode.OK, "healthy"), (edgeReady.Code, edgeReady.Status));
        Assert.Equal([("cluster", "healthy"), ("drain", "healthy")], edgeReady.Checks);
    }

    [Fact]
    public async Task A_cluster_client_edge_is_ready_only_while_a_gateway_connection_is_open()
    {
        var check = new ClusterConnectionHealthCheck();
        async Task<string> Status() => (await check.CheckHealthAsync(new(), CancellationToken.None)).Status.ToString();

        var before = await Status();
        check.NotifyGatewayCountChanged(1, 0, connectionRecovered: true);
        var connected = await Status();
        check.NotifyGatewayCountChanged(0, 1, connectionRecovered: false);
        var dropped = await Status();

        // Connection A opens and closes, then B opens; Orleans may report B's opening before A's
        // closing, and a "cluster connection lost" after both. B is open: the edge is ready.
        check.NotifyGatewayCountChanged(1, 0, connectionRecovered: true);
        check.NotifyGatewayCountChanged(1, 0, connectionRecovered: true);
        check.NotifyGatewayCountChanged(0, 1, connectionRecovered: false);
        check.NotifyClusterConnectionLost();
        var reordered = await Status();
        check.NotifyGatewayCountChanged(0, 1, connectionRecovered: false);
        var closed = await Status();

        Assert.Equal(["Unhealthy", "Healthy", "Unhealthy", "Healthy", "Unhealthy"], [before, connected, dropped, reordered, closed]);
    }

    private static Task<Probe> ProbeAsync(HttpClient http, string path) => ProbeAsync(http, new Uri(http.BaseAddress!, path));

    private static async Task<Probe> ProbeAsync(HttpClient http, Uri uri)
    {
        using var response = await http.GetAsync(uri);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(body).RootElement;
        var checks = root.GetProperty("checks").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("status").GetString()!))
            .ToList();
        return new Probe(response.StatusCode, root.GetProperty("status").GetString()!, checks, body);
    }

    private sealed record Probe(HttpStatusCode Code, string Status, List<(string Name, string Status)> Checks, string Body);
}
