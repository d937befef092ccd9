using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Hosting.Cluster;
using YamlDotNet.RepresentationModel;
using static OrleansStt.Gateway.Tests.Infrastructure.RenderedManifests;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>Silos and edges join the same Orleans cluster, and UseKubernetesHosting gets its inputs and RBAC.</summary>
public sealed class SiloIdentityManifestTests
{
    public static TheoryData<string> Dirs => Kustomizations;

    [Theory]
    [MemberData(nameof(Dirs))]
    public void Silos_carry_the_cluster_identity_the_edges_join(string dir)
    {
        var docs = Of(dir);
        var silo = Deployment(docs, "silo");
        var siloEnv = Env(docs, silo, "silo");
        var edgeEnv = Env(docs, Deployment(docs, "edge"), "edge");
        var defaults = new ClusterSettings();
        foreach (var (setting, label, fallback) in new[] { ("ClusterId", "orleans/clusterId", defaults.ClusterId), ("ServiceId", "orleans/serviceId", defaults.ServiceId) })
        {
            var edgeValue = edgeEnv.GetValueOrDefault($"Orleans__{setting}") ?? fallback;
            Assert.Equal(edgeValue, siloEnv.GetValueOrDefault($"Orleans__{setting}") ?? fallback);
            Assert.Equal(edgeValue, Scalar(silo, "spec", "template", "metadata", "labels", label));
        }

        Assert.Equal("redis:6379", edgeEnv["Orleans__Redis"]);
        Assert.Equal(edgeEnv["Orleans__Redis"], siloEnv["Orleans__Redis"]);
        Assert.Contains(OfKind(docs, "Service"), s => Name(s) == "redis");

        // UseKubernetesHosting is opt-in (Silo/Program.cs); its inputs come from the downward API.
        var env = Seq(Container(silo, "silo"), "env").OfType<YamlMappingNode>().ToDictionary(e => Scalar(e, "name")!, e => e);
        Assert.Equal("true", siloEnv["Orleans__Kubernetes"]);
        Assert.Equal("metadata.name", Scalar(env["POD_NAME"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.namespace", Scalar(env["POD_NAMESPACE"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("status.podIP", Scalar(env["POD_IP"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.labels['orleans/clusterId']", Scalar(env["ORLEANS_CLUSTER_ID"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.labels['orleans/serviceId']", Scalar(env["ORLEANS_SERVICE_ID"], "valueFrom", "fieldRef", "fieldPath"));
        var account = Scalar(silo, "spec", "template", "spec", "serviceAccountName");
        Assert.Contains(OfKind(docs, "RoleBinding"), b => Seq(b, "subjects").OfType<YamlMappingNode>().Any(s => Scalar(s, "name") == account));
    }

    [Theory]
    [MemberData(nameof(Dirs))]
    public void Each_deployment_names_its_service_for_telemetry(string dir)
    {
        var docs = Of(dir);
        var expected = new Dictionary<string, string> { ["edge"] = "orleans-stt-edge", ["silo"] = "orleans-stt-silo", ["gpu-server"] = "orleans-stt-gpu" };
        foreach (var deployment in OfKind(docs, "Deployment").Where(d => expected.ContainsKey(Component(d) ?? "")))
        {
            foreach (var container in Seq(deployment, "spec", "template", "spec", "containers").OfType<YamlMappingNode>())
            {
                var env = Env(docs, deployment, Scalar(container, "name")!);
                Assert.True(
                    env.GetValueOrDefault("OTEL_SERVICE_NAME") == expected[Component(deployment)!],
                    $"{dir}: {Name(deployment)} OTEL_SERVICE_NAME is '{env.GetValueOrDefault("OTEL_SERVICE_NAME")}', expected {expected[Component(deployment)!]}");
                Assert.False(env.ContainsKey("ASPNETCORE_URLS"), $"{dir}: {Name(deployment)} sets ASPNETCORE_URLS, which overrides the image's ASPNETCORE_HTTP_PORTS with a warning");
            }
        }
    }
}
