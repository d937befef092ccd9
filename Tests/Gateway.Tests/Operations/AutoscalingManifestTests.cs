using System.Globalization;
using System.Net;
using OrleansStt.Gateway.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;
using static OrleansStt.Gateway.Tests.Infrastructure.RenderedManifests;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>
/// The HPAs scale rendered Deployments, on metrics a running gateway really exports as gauges:
/// read from its <c>/metrics</c> scrape, as Prometheus and the adapter see them.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AutoscalingManifestTests(GatewayFixture fixture)
{
    public static TheoryData<string> Dirs => Kustomizations;

    [Theory]
    [MemberData(nameof(Dirs))]
    public void Every_autoscaler_scales_a_rendered_deployment(string dir)
    {
        var docs = Of(dir);
        var autoscalers = OfKind(docs, "HorizontalPodAutoscaler").ToList();
        Assert.Contains(autoscalers, h => Scalar(h, "spec", "scaleTargetRef", "name") == "silo");
        Assert.Contains(autoscalers, h => Scalar(h, "spec", "scaleTargetRef", "name") == "edge");
        foreach (var hpa in autoscalers)
        {
            var target = Scalar(hpa, "spec", "scaleTargetRef", "name");
            Assert.Equal("Deployment", Scalar(hpa, "spec", "scaleTargetRef", "kind"));
            Assert.True(OfKind(docs, "Deployment").Any(d => Name(d) == target), $"{dir}: HPA {Name(hpa)} scales Deployment {target}, which is not rendered");
            Assert.True(
                int.Parse(Scalar(hpa, "spec", "behavior", "scaleDown", "stabilizationWindowSeconds")!, CultureInfo.InvariantCulture) >= 300,
                $"{dir}: HPA {Name(hpa)} must scale down slowly (a silo's sessions move, an edge's resume)");
        }
    }

    [Fact]
    public async Task Autoscaling_metrics_are_gauges_in_a_running_gateways_scrape()
    {
        var wanted = new List<(string Where, string Metric)>();
        foreach (var (dir, docs) in All)
        {
            foreach (var hpa in OfKind(docs, "HorizontalPodAutoscaler"))
            {
                foreach (var metric in Seq(hpa, "spec", "metrics").OfType<YamlMappingNode>().Where(m => Scalar(m, "type") == "Pods"))
                {
                    wanted.Add(($"{dir} HPA {Name(hpa)}", Scalar(metric, "pods", "metric", "name")!));
                }
            }
        }

        // The Prometheus Adapter's rules (an example file, not rendered): the config is YAML in a ConfigMap.
        var adapter = Load(File.ReadAllText(Path.Combine(RepoRoot, "deploy/k8s/monitoring/prometheus-adapter-rules.yaml"))).Single();
        var config = Load(Scalar(adapter, "data", "config.yaml")!).Single();
        foreach (var rule in Seq(config, "rules").OfType<YamlMappingNode>())
        {
            var series = Scalar(rule, "seriesQuery")!.Trim('\'');
            wanted.Add(("adapter seriesQuery", series[..series.IndexOf('{', StringComparison.Ordinal)]));
            wanted.Add(("adapter name", Scalar(rule, "name", "as")!));
        }

        Assert.Contains(wanted, w => w.Metric == "orleansstt_silo_sessions");

        // The embedded gateway has no client keys, so its operator endpoints (/metrics) are open.
        using var http = new HttpClient();
        var uri = new UriBuilder(fixture.Gateway.ListenUri) { Scheme = "http", Path = "/metrics" }.Uri;
        var (status, scrape) = (HttpStatusCode.OK, "");
        await Eventually.Equal(true, async () =>
        {
            using var response = await http.GetAsync(uri);
            (status, scrape) = (response.StatusCode, await response.Content.ReadAsStringAsync());
            return status == HttpStatusCode.OK && wanted.All(w => IsGauge(scrape, w.Metric));
        });
        Assert.True(status == HttpStatusCode.OK, $"GET {uri} answered {status}");
        foreach (var (where, metric) in wanted)
        {
            Assert.True(
                IsGauge(scrape, metric),
                $"{where}: GET /metrics has no '# TYPE {metric} gauge' (types in the scrape: {string.Join(", ", TypeLines(scrape))})");
        }

        var rules = Seq(config, "rules").OfType<YamlMappingNode>().Select(r => Scalar(r, "name", "as")).ToHashSet();
        Assert.All(wanted.Where(w => w.Where.Contains("HPA", StringComparison.Ordinal)), w => Assert.Contains(w.Metric, rules));
    }

    private static bool IsGauge(string scrape, string metric) => TypeLines(scrape).Contains($"{metric} gauge");

    private static IEnumerable<string> TypeLines(string scrape) =>
        scrape.Split('\n').Where(l => l.StartsWith("# TYPE orleansstt_", StringComparison.Ordinal)).Select(l => l["# TYPE ".Length..].TrimEnd('\r'));
}
