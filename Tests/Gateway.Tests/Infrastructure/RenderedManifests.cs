using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace OrleansStt.Gateway.Tests.Infrastructure;

/// <summary>
/// The Kubernetes manifests (deploy/k8s) as an operator would apply them: rendered once per
/// kustomization with <c>kubectl kustomize</c>, and the YAML helpers the *ManifestTests read
/// them with.
/// </summary>
public static class RenderedManifests
{
    public const string Base = "deploy/k8s/base";
    public const string Demo = "deploy/k8s/overlays/demo";

    public static readonly string[] Overlays = [Base, Demo];

    private static readonly Lazy<Dictionary<string, List<YamlMappingNode>>> Rendered = new(() =>
        Overlays.ToDictionary(dir => dir, Render));

    /// <summary>Every kustomization, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> Kustomizations => [.. Overlays];

    /// <summary>The documents <c>kubectl kustomize dir</c> renders (cached for the test run).</summary>
    public static List<YamlMappingNode> Of(string dir) => Rendered.Value[dir];

    public static IEnumerable<KeyValuePair<string, List<YamlMappingNode>>> All => Rendered.Value;

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansStt.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OrleansStt.sln not found above " + AppContext.BaseDirectory);
    }

    private static List<YamlMappingNode> Render(string dir)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", dir])
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "kubectl is not installed, so the Kubernetes manifests cannot be rendered: install it (apt-get install kubectl; bash .ci/run does) and run again. " + e.Message, e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"kubectl kustomize {dir} failed: {stderr.Result}");
            return Load(output);
        }
    }

    public static List<YamlMappingNode> Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    public static IEnumerable<YamlMappingNode> OfKind(IEnumerable<YamlMappingNode> docs, string kind) =>
        docs.Where(d => Scalar(d, "kind") == kind);

    public static YamlMappingNode Deployment(IEnumerable<YamlMappingNode> docs, string component) =>
        OfKind(docs, "Deployment").Single(d => Component(d) == component);

    public static string? Component(YamlMappingNode deployment) =>
        Scalar(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/component");

    public static string Name(YamlMappingNode doc) => Scalar(doc, "metadata", "name")!;

    public static YamlMappingNode Container(YamlMappingNode deployment, string name) =>
        Seq(deployment, "spec", "template", "spec", "containers").OfType<YamlMappingNode>().Single(c => Scalar(c, "name") == name);

    public static TimeSpan GracePeriod(YamlMappingNode deployment) =>
        TimeSpan.FromSeconds(int.Parse(Scalar(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds") ?? "30", CultureInfo.InvariantCulture));

    /// <summary>A preStop hook's sleep: <c>exec: [sleep, N]</c> or Kubernetes' own <c>sleep: {seconds: N}</c>; zero without one.</summary>
    public static TimeSpan PreStopSleep(YamlMappingNode deployment, string container)
    {
        var preStop = Find(Container(deployment, container), "lifecycle", "preStop") as YamlMappingNode;
        if (preStop is null)
        {
            return TimeSpan.Zero;
        }

        if (Scalar(preStop, "sleep", "seconds") is { } seconds)
        {
            return TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture));
        }

        var command = Seq(preStop, "exec", "command").Select(c => c.ToString()).ToList();
        Assert.True(command is ["sleep", _], $"preStop of {Name(deployment)} is not a sleep: {string.Join(' ', command)}");
        return TimeSpan.FromSeconds(double.Parse(command[1], CultureInfo.InvariantCulture));
    }

    /// <summary>A container's environment as the pod sees it: its ConfigMaps (envFrom), then its plain env values.</summary>
    public static Dictionary<string, string> Env(IEnumerable<YamlMappingNode> docs, YamlMappingNode deployment, string container)
    {
        var env = new Dictionary<string, string>();
        var node = Container(deployment, container);
        foreach (var source in Seq(node, "envFrom").OfType<YamlMappingNode>())
        {
            var name = Scalar(source, "configMapRef", "name");
            var map = OfKind(docs, "ConfigMap").SingleOrDefault(c => Name(c) == name);
            Assert.True(map is not null, $"{Name(deployment)}: ConfigMap {name} is not rendered");
            foreach (var (key, value) in Map(map!, "data").Children)
            {
                env[key.ToString()] = value.ToString();
            }
        }

        foreach (var variable in Seq(node, "env").OfType<YamlMappingNode>())
        {
            if (Scalar(variable, "value") is { } value)
            {
                env[Scalar(variable, "name")!] = value;
            }
        }

        return env;
    }

    public static IEnumerable<(YamlMappingNode Deployment, YamlMappingNode Container, string Kind, string Path)> Probes(IEnumerable<YamlMappingNode> docs)
    {
        foreach (var deployment in OfKind(docs, "Deployment"))
        {
            foreach (var container in Seq(deployment, "spec", "template", "spec", "containers").OfType<YamlMappingNode>())
            {
                foreach (var kind in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
                {
                    if (Scalar(container, kind, "httpGet", "path") is { } path)
                    {
                        var port = Scalar(container, kind, "httpGet", "port");
                        Assert.True(
                            Seq(container, "ports").OfType<YamlMappingNode>().Any(p => Scalar(p, "name") == port || Scalar(p, "containerPort") == port),
                            $"{Name(deployment)} {kind}: port {port} is not a container port");
                        yield return (deployment, container, kind, path);
                    }
                }
            }
        }
    }

    public static YamlNode? Find(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    public static string? Scalar(YamlNode node, params string[] path) => (Find(node, path) as YamlScalarNode)?.Value;

    public static YamlMappingNode Map(YamlNode node, params string[] path) => Find(node, path) as YamlMappingNode ?? new YamlMappingNode();

    public static IEnumerable<YamlNode> Seq(YamlNode node, params string[] path) => (Find(node, path) as YamlSequenceNode)?.Children ?? [];
}
