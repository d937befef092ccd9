using System.Globalization;
using OrleansStt.Gateway.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;
using static OrleansStt.Gateway.Tests.Infrastructure.RenderedManifests;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>The demo overlay's GPU server list (the silos' Stt__Backends__N) matches its GPU server Deployments and Services.</summary>
public sealed class DemoBackendManifestTests
{
    [Fact]
    public void The_demo_silos_lease_exactly_the_demo_gpu_servers()
    {
        var docs = Of(Demo);
        var siloEnv = Env(docs, Deployment(docs, "silo"), "silo");
        var backends = siloEnv.Keys.Where(k => k.StartsWith("Stt__Backends__", StringComparison.Ordinal))
            .GroupBy(k => k.Split("__")[2])
            .Select(g => (Id: siloEnv[$"Stt__Backends__{g.Key}__Id"], Url: new Uri(siloEnv[$"Stt__Backends__{g.Key}__Url"]), Capacity: siloEnv[$"Stt__Backends__{g.Key}__Capacity"]))
            .ToList();
        var servers = OfKind(docs, "Deployment").Where(d => Component(d) == "gpu-server").ToList();
        Assert.NotEmpty(servers);
        Assert.Equal(servers.Count, backends.Count);
        Assert.Equal(backends.Count, backends.Select(b => b.Id).Distinct().Count());

        var served = new HashSet<string>();
        foreach (var (id, url, capacity) in backends)
        {
            Assert.Equal("/v1/stream", url.AbsolutePath);
            var service = OfKind(docs, "Service").SingleOrDefault(s => Name(s) == url.Host);
            Assert.True(service is not null, $"backend {id}: no Service named {url.Host}");
            var port = Seq(service!, "spec", "ports").OfType<YamlMappingNode>().Single(p => Scalar(p, "port") == url.Port.ToString(CultureInfo.InvariantCulture));
            var selector = Map(service!, "spec", "selector");
            var server = servers.Single(d => selector.Children.All(kv => Scalar(d, "spec", "template", "metadata", "labels", kv.Key.ToString()) == kv.Value.ToString()));
            Assert.Equal("1", Scalar(server, "spec", "replicas"));
            var container = Seq(server, "spec", "template", "spec", "containers").OfType<YamlMappingNode>().Single();
            Assert.Contains("inferencesim", Scalar(container, "image"), StringComparison.Ordinal);
            Assert.Contains(Seq(container, "ports").OfType<YamlMappingNode>(), p => Scalar(p, "name") == Scalar(port, "targetPort"));
            Assert.Equal(capacity, Env(docs, server, Scalar(container, "name")!)["Simulator__Capacity"]);
            served.Add(Name(server));
        }

        Assert.Equal(servers.Select(Name).Order(), served.Order());
    }
}
