using System.Globalization;
using System.Text.Json;

namespace OrleansStt.LoadTest;

/// <summary>
/// The split topology of the README ("Running the split topology by hand") on loopback, on free
/// ports, private to one scenario: a Redis without persistence, three echo simulators, two silos and
/// two edges from the Release builds. Disposing it kills whatever still runs.
/// </summary>
internal sealed class Topology : IDisposable
{
    public const int Simulators = 3;
    private const int Capacity = 100;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly List<ChildProcess> _all = [];
    private readonly string _operatorKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    private Topology(string logsDir) => LogsDir = logsDir;

    public string LogsDir { get; }

    public List<ChildProcess> Silos { get; } = [];

    public List<ChildProcess> Edges { get; } = [];

    /// <summary>Where clients connect: <c>ws://127.0.0.1:P/v1/listen</c> per edge.</summary>
    public List<Uri> EdgeUrls { get; } = [];

    public IEnumerable<ChildProcess> All => _all;

    /// <param name="clusterId">Orleans:ClusterId, unique per run so no stale membership row is ever read.</param>
    public static async Task<Topology> StartAsync(string repo, string logsDir, string clusterId)
    {
        var redisServer = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server is not on PATH: a scenario needs its own Redis (apt-get install redis-server).");
        var topology = new Topology(logsDir);
        try
        {
            await topology.StartAllAsync(repo, redisServer, clusterId);
            return topology;
        }
        catch
        {
            topology.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        // Edges first, so none of them logs the silos' deaths as news.
        foreach (var child in Enumerable.Reverse(_all))
        {
            child.Dispose();
        }
    }

    private async Task StartAllAsync(string repo, string redisServer, string clusterId)
    {
        var redisPort = FreePort.Next();
        var redis = Start("redis", redisServer, ["--port", Text(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], new Dictionary<string, string>());
        await HealthWait.RedisAsync(redis, redisPort, StartTimeout);

        var env = new Dictionary<string, string>
        {
            ["Orleans__Redis"] = $"127.0.0.1:{Text(redisPort)}",
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__AdvertisedIPAddress"] = "127.0.0.1",
            // Log lines in UTC with milliseconds, to be read against the removal's time in the report. Both the
            // formatter's keys and the older ones: the silo and the edge honour only the latter, the simulator the former.
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ ",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
            ["Logging__Console__TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ ",
            ["Logging__Console__UseUtcTimestamp"] = "true",
        };

        var simDll = RootDll(repo, "InferenceSim");
        var sims = new List<(ChildProcess Child, Uri Health)>();
        for (var i = 0; i < Simulators; i++)
        {
            var port = FreePort.Next();
            var sim = Start($"sim-{i + 1}", "dotnet", [simDll, "--urls", Http(port), "--Simulator:Mode=echo", $"--Simulator:Capacity={Text(Capacity)}"], env);
            sims.Add((sim, new Uri($"{Http(port)}/health")));
            env[$"Stt__Backends__{Text(i)}__Id"] = $"gpu-{Text(i + 1)}";
            env[$"Stt__Backends__{Text(i)}__Url"] = $"ws://127.0.0.1:{Text(port)}/v1/stream";
            env[$"Stt__Backends__{Text(i)}__Capacity"] = Text(Capacity);
        }

        // Silo death found in about two seconds, not the default minute (the brief's membership settings).
        var siloEnv = new Dictionary<string, string>(env)
        {
            ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
            ["Orleans__Membership__NumMissedProbesLimit"] = "2",
            ["Orleans__Membership__NumVotesForDeathDeclaration"] = "1",
            // A cluster keeps its Dashboard closed without an operator key; this run reads it to see both silos join.
            ["Stt__Operators__Keys__0"] = _operatorKey,
        };
        var siloDll = RootDll(repo, "Silo");
        var silos = new List<Uri>();
        for (var i = 0; i < 2; i++)
        {
            var port = FreePort.Next();
            var ports = new Dictionary<string, string>(siloEnv)
            {
                ["Orleans__SiloPort"] = Text(FreePort.Next()),
                ["Orleans__GatewayPort"] = Text(FreePort.Next()),
            };
            Silos.Add(Start($"silo-{i}", "dotnet", [siloDll, "--urls", Http(port)], ports));
            silos.Add(new Uri(Http(port)));
        }

        await Task.WhenAll(sims.Select(s => HealthWait.HttpAsync(s.Child, s.Health, StartTimeout)));
        await Task.WhenAll(Silos.Select((silo, i) => HealthWait.HttpAsync(silo, new Uri(silos[i], "/healthz"), StartTimeout)));
        // Edges start once both silos are in the cluster, so each edge's gateway list holds both from the start.
        await HealthWait.HttpAsync(Silos[0], new Uri(silos[0], "/dashboard/DashboardCounters"), StartTimeout, body => ActiveHosts(body) >= 2, "both silos active", _operatorKey);

        var edgeDll = RootDll(repo, "EdgeHost");
        for (var i = 0; i < 2; i++)
        {
            var port = FreePort.Next();
            // Seven processes on one small box are overloaded for real; what the scenarios measure is
            // failover, so the edges take every session instead of refusing by measured load.
            Edges.Add(Start($"edge-{i}", "dotnet", [edgeDll, "--urls", Http(port), "--Stt:Edge:Admission:Enabled=false"], env));
            EdgeUrls.Add(new Uri($"ws://127.0.0.1:{Text(port)}/v1/listen"));
        }

        await Task.WhenAll(Edges.Select((edge, i) => HealthWait.HttpAsync(edge, new Uri($"http://127.0.0.1:{Text(EdgeUrls[i].Port)}/healthz"), StartTimeout)));
    }

    private ChildProcess Start(string name, string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> env)
    {
        var child = ChildProcess.Start(name, program, arguments, env, LogsDir);
        _all.Add(child);
        return child;
    }

    /// <summary>The Orleans Dashboard's count of active silos; -1 when the body is not what it should be.</summary>
    private static int ActiveHosts(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (string.Equals(property.Name, "totalActiveHostCount", StringComparison.OrdinalIgnoreCase) && property.Value.TryGetInt32(out var count))
                {
                    return count;
                }
            }
        }
        catch (JsonException)
        {
            // Not ready yet, or another shape: keep waiting, the timeout reports the body.
        }

        return -1;
    }

    private static string RootDll(string repo, string project) => RepoRoot.ReleaseDll(repo, project);

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    private static string Http(int port) => $"http://127.0.0.1:{Text(port)}";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
