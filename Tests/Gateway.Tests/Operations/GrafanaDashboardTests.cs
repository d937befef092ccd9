using System.Text.RegularExpressions;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>deploy/grafana/orleans-stt.json queries only what the gateway exports.</summary>
public sealed partial class GrafanaDashboardTests
{
    [Fact]
    public void Every_gateway_metric_the_dashboard_queries_is_an_instrument_in_the_code()
    {
        var dashboard = File.ReadAllText(Path.Combine(RenderedManifests.RepoRoot, "deploy", "grafana", "orleans-stt.json"));
        var queried = QueriedMetric().Matches(dashboard).Select(m => m.Value).ToHashSet();
        var instruments = Directory.EnumerateFiles(RenderedManifests.RepoRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Tests{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => InstrumentName().Matches(File.ReadAllText(f)).Select(m => m.Groups["name"].Value.Replace('.', '_')))
            .ToHashSet();

        Assert.NotEmpty(queried);
        Assert.All(queried, metric => Assert.True(
            PrometheusForms(metric).Any(instruments.Contains),
            $"the dashboard queries {metric}, which no instrument in the code exports (instruments: {string.Join(", ", instruments.Order())})"));
    }

    // What the Prometheus exporter adds to an instrument's name: histogram series, _total on
    // counters, the unit (seconds, bytes). Each stripped in turn leaves the instrument's own name.
    private static IEnumerable<string> PrometheusForms(string metric)
    {
        yield return metric;
        foreach (var suffix in new[] { "_bucket", "_count", "_sum", "_total", "_seconds", "_bytes" })
        {
            if (metric.EndsWith(suffix, StringComparison.Ordinal))
            {
                metric = metric[..^suffix.Length];
                yield return metric;
            }
        }
    }

    [GeneratedRegex(@"\borleansstt_[a-z_]+")]
    private static partial Regex QueriedMetric();

    [GeneratedRegex("\"(?<name>orleansstt\\.[a-z.]+)\"")]
    private static partial Regex InstrumentName();
}
