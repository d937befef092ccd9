using System.Globalization;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Hosting.Security;
using YamlDotNet.RepresentationModel;
using static OrleansStt.Gateway.Tests.Infrastructure.RenderedManifests;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>Every pod locked down and sized, every secret it references rendered (as a placeholder the processes refuse).</summary>
public sealed class PodSecurityManifestTests
{
    public static TheoryData<string> Dirs => Kustomizations;

    [Theory]
    [MemberData(nameof(Dirs))]
    public void Every_pod_runs_locked_down_with_its_secrets_present(string dir)
    {
        var docs = Of(dir);
        foreach (var deployment in OfKind(docs, "Deployment"))
        {
            Assert.Equal("true", Scalar(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"));
            foreach (var container in Seq(deployment, "spec", "template", "spec", "containers").OfType<YamlMappingNode>())
            {
                var where = $"{dir}: {Name(deployment)}/{Scalar(container, "name")}";
                Assert.True(Scalar(container, "securityContext", "readOnlyRootFilesystem") == "true", $"{where}: read-only root filesystem");
                Assert.True(Scalar(container, "securityContext", "allowPrivilegeEscalation") == "false", $"{where}: no privilege escalation");
                Assert.True(Seq(container, "securityContext", "capabilities", "drop").Any(c => c.ToString() == "ALL"), $"{where}: capabilities dropped");
                Assert.True(Scalar(container, "resources", "requests", "cpu") is not null && Scalar(container, "resources", "limits", "memory") is not null, $"{where}: resources");
                foreach (var reference in Seq(container, "env").OfType<YamlMappingNode>().Select(e => Find(e, "valueFrom", "secretKeyRef")).OfType<YamlMappingNode>())
                {
                    var secret = OfKind(docs, "Secret").SingleOrDefault(s => Name(s) == Scalar(reference, "name"));
                    Assert.True(secret is not null, $"{where}: Secret {Scalar(reference, "name")} is not rendered");
                    Assert.True(Find(secret!, "stringData", Scalar(reference, "key")!) is not null, $"{where}: Secret has no key {Scalar(reference, "key")}");
                }
            }
        }

        foreach (var budget in OfKind(docs, "PodDisruptionBudget"))
        {
            var selector = Map(budget, "spec", "selector", "matchLabels");
            Assert.Contains(OfKind(docs, "Deployment"), d => selector.Children.All(kv => Scalar(d, "spec", "template", "metadata", "labels", kv.Key.ToString()) == kv.Value.ToString()));
        }
    }

    [Theory]
    [MemberData(nameof(Dirs))]
    public void The_committed_secrets_are_placeholders_the_processes_refuse(string dir)
    {
        foreach (var secret in OfKind(Of(dir), "Secret"))
        {
            foreach (var (key, value) in Map(secret, "stringData").Children)
            {
                Assert.True(
                    Credentials.IsPlaceholder(value.ToString()),
                    $"{dir}: Secret {Name(secret)} key {key} is committed to git but does not start with {Credentials.PlaceholderPrefix}, so nothing refuses it");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dirs))]
    public void An_edges_session_cap_fits_its_memory_limit(string dir)
    {
        // Each session of a cluster edge keeps up to RecoveryWindow of 16 kHz 16-bit PCM (capped by
        // RecoveryMaxBytes) to rebuild it after a silo crash; ~400 MB more is sockets and runtime.
        var docs = Of(dir);
        var edge = Deployment(docs, "edge");
        var options = new EdgeOptions();
        var maxSessions = int.Parse(Env(docs, edge, "edge")["Stt__Edge__MaxSessions"], CultureInfo.InvariantCulture);
        var perSession = Math.Min(options.RecoveryWindow.TotalSeconds * 16_000 * 2, options.RecoveryMaxBytes);
        var limit = Scalar(Container(edge, "edge"), "resources", "limits", "memory")!;
        Assert.EndsWith("Gi", limit, StringComparison.Ordinal);
        var limitBytes = double.Parse(limit[..^2], CultureInfo.InvariantCulture) * 1024 * 1024 * 1024;
        Assert.True(
            maxSessions * perSession + 400e6 <= limitBytes,
            $"{dir}: {maxSessions} sessions x {perSession / 1024:0} KB of recovery audio + 400 MB does not fit the edge's {limit} limit");
    }
}
