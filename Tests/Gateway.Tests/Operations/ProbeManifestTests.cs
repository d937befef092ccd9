using System.Net;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Hosting.Health;
using static OrleansStt.Gateway.Tests.Infrastructure.RenderedManifests;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>The manifests' HTTP probes are the paths the code maps, and a running process answers each.</summary>
public sealed class ProbeManifestTests(ProbeManifestTests.RunningFleet fleet) : IClassFixture<ProbeManifestTests.RunningFleet>
{
    public static TheoryData<string> Dirs => Kustomizations;

    [Theory]
    [MemberData(nameof(Dirs))]
    public void Probes_are_the_paths_the_code_maps(string dir)
    {
        foreach (var (deployment, container, kind, path) in Probes(Of(dir)))
        {
            var component = Component(deployment);
            var expected = component switch
            {
                "gpu-server" => "/health",
                "edge" or "silo" => kind == "readinessProbe" ? HealthProbes.ReadyPath : HealthProbes.LivePath,
                _ => null,
            };
            Assert.True(expected is not null, $"{dir}: an HTTP probe on unexpected component {component}");
            Assert.True(expected == path, $"{dir}: {Name(deployment)}/{Scalar(container, "name")} {kind} is {path}, expected {expected}");
        }

        Assert.Contains(Probes(Of(dir)), p => Component(p.Deployment) == "edge" && p.Kind == "readinessProbe");
        Assert.Contains(Probes(Of(dir)), p => Component(p.Deployment) == "silo" && p.Kind == "livenessProbe");
    }

    [Fact]
    public async Task A_running_gateway_and_gpu_server_answer_every_probe_path_with_200()
    {
        using var http = new HttpClient();
        var edgeBase = new UriBuilder(fleet.Fleet.Gateway.ListenUri) { Scheme = "http", Path = "/" }.Uri;
        var probes = All.SelectMany(r => Probes(r.Value)).Select(p => (Gpu: Component(p.Deployment) == "gpu-server", p.Path)).Distinct();
        foreach (var (gpu, path) in probes)
        {
            var uri = new Uri(gpu ? fleet.Fleet.Servers[0].BaseUri : edgeBase, path);
            var status = await Eventually.Equal(HttpStatusCode.OK, async () => (await http.GetAsync(uri)).StatusCode);
            Assert.True(status == HttpStatusCode.OK, $"GET {uri} answered {status}");
        }
    }

    /// <summary>One embedded gateway (edge + silo, as Program.cs builds them) and one GPU server simulator for the class.</summary>
    public sealed class RunningFleet : IAsyncLifetime
    {
        public Fleet Fleet { get; private set; } = null!;

        public async Task InitializeAsync() => Fleet = await Fleet.StartAsync(servers: 1, capacity: 2);

        public async Task DisposeAsync() => await Fleet.DisposeAsync();
    }
}
