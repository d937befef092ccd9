using System.Diagnostics;
using OrleansStt.Client;
using OrleansStt.CommandLine;

namespace OrleansStt.LoadTest;

internal sealed record LoadTestOptions(
    IReadOnlyList<Uri> Urls,
    bool RawBackend,
    int Sessions,
    double RampSeconds,
    double SettleSeconds,
    double DurationSeconds,
    int FrameBytes,
    double FramesPerSecond,
    string Audio,
    string Language,
    IReadOnlyList<string> Translate,
    string? ApiKey,
    double ConnectTimeoutSeconds,
    double CloseTimeoutSeconds,
    IReadOnlyList<int> Pids,
    string? ReportJson,
    string? ReportMarkdown,
    bool CheckFinals,
    bool AcceptRefusals,
    bool RetryRefused,
    int? KillPid,
    double? KillAtSeconds,
    KillSignal KillSignal,
    string? Scenario,
    string? Repo,
    string? LogsDir)
{
    public const int SampleRate = 16000;

    public const string Usage = """
        loadtest — drive many /v1/listen sessions against an OrleansStt edge (or, with --raw-backend, GPU server
        streams against servers or a plain proxy) and measure result latency.

        usage: loadtest --url ws://127.0.0.1:5000/v1/listen --sessions 200 --ramp 5 --duration 20 --frame-ms 50
                        [--raw-backend] [--frame-bytes N] [--rate N] [--audio pattern|tone] [--translate ja] [--language en]
                        [--api-key KEY] [--connect-timeout 10] [--close-timeout 10] [--pids 123,456]
                        [--report-json PATH] [--report-md PATH] [--no-finals-check] [--accept-refusals [--retry-refused]]
                        [--kill-pid PID --kill-at S [--kill-signal TERM]]
               loadtest --scenario edge-kill|edge-stop|silo-kill|silo-stop|all [--remove-at 3] [--sessions 30] [--duration 8]
                        [--frame-ms 20] [--repo DIR] [--logs DIR] [--report-md PATH]

          --raw-backend        speak the GPU server protocol (PROTOCOL.md §2) instead of /v1/listen: start, audio, stop,
                               then wait for stopped; for servers and plain proxies in front of them (benchmarks).
                               --url may then list several URLs, comma-separated: session i uses URL i mod n
                               (through edges too, where the other URLs are the session's edges to resume on)
          --sessions N         concurrent sessions (default 200)
          --ramp S             sessions open evenly spread over S seconds (default 5)
          --settle S           streaming, unmeasured, between the ramp and the window: the last connects and their
                               first frames are setup, not the steady state (default 1)
          --duration S         measured window after the ramp and settle; every session streams until its end (default 20)
          --frame-ms MS        audio per binary frame, 16 kHz pcm_s16le, paced at real time (default 50)
          --frame-bytes N      frame size override (echo benchmarks: e.g. 1024)
          --rate N             frames per second per session override (echo benchmarks: e.g. 20)
          --audio KIND         pattern (speech-like bursts, default) or tone (continuous 500 Hz)
          --connect-timeout S  per-session upgrade timeout (default 10)
          --close-timeout S    how long a session waits for "closed" after close_stream (default 10)
          --pids LIST          processes whose CPU (cores) and RSS are sampled during the measured window
          --report-json PATH   machine-readable report
          --report-md PATH     Markdown report
          --no-finals-check    skip comparing finals with the ones the audio sent must yield (for echo backends)
          --accept-refusals    sessions an overloaded edge refuses (503 capacity_exhausted) are counted and timed,
                               not a failure of the run (overload benchmarks: is the rest still served on time?)
          --retry-refused      a refused session comes back after the edge's Retry-After while it would still join
                               before the window (a longer --settle gives it more tries); "refused" counts every refusal
          --kill-pid PID       signal this process (a GPU server's own process, not a `dotnet run` wrapper) ...
          --kill-at S          ... S seconds after the run starts (0 ≤ S < ramp + settle + duration): the failover demo
          --kill-signal SIG    KILL (default) or TERM (a graceful stop: drains, migrates)
          --scenario NAME      start a private split topology on loopback (redis-server, 3 echo simulators, 2 silos,
                               2 edges, from the Release builds), run the load against it and remove one process:
                               edge-kill / edge-stop = SIGKILL / SIGTERM edge 0, silo-kill / silo-stop = the same to
                               silo 0; all = the four in turn, each on a fresh topology. Defaults become --sessions 30
                               --ramp 1 --duration 8 --frame-ms 20 --no-finals-check; a session counts as lost unless it
                               got closed, no error, gapless seq and a final whose end_ms is the audio it sent
          --remove-at S        when the process is removed, seconds after the run starts (default 3)
          --repo DIR           the repository root holding the Release builds (default: found from this tool's location)
          --logs DIR           where the processes' logs go (default: a new temp directory); also gets a pids file

        Latency is per result: arrival − send time of the frame holding the audio at end_ms (PROTOCOL.md §1.2),
        counted for results arriving inside the measured window. Switch gap, per backend_switched notice:
        arrival of the first result after it − arrival of the last result before it (or of the notice, when
        there was none). Finals are checked against what a speech-mode simulator (200 ms per word) makes of
        the audio each session sent. Exit code 1 when any session failed, a final was missing or unexpected,
        the finals' timeline went backwards or seq had a gap; backend_switched notices alone are no failure.
        """;

    /// <summary>The edge's URL; with --raw-backend, the first server's.</summary>
    public Uri Url => Urls[0];

    public TimeSpan FrameInterval => TimeSpan.FromSeconds(1 / FramesPerSecond);

    public TimeSpan Ramp => TimeSpan.FromSeconds(RampSeconds);

    public TimeSpan Settle => TimeSpan.FromSeconds(SettleSeconds);

    public TimeSpan Duration => TimeSpan.FromSeconds(DurationSeconds);

    public TimeSpan ConnectTimeout => TimeSpan.FromSeconds(ConnectTimeoutSeconds);

    public TimeSpan CloseTimeout => TimeSpan.FromSeconds(CloseTimeoutSeconds);

    /// <summary>Nothing outlives this: ramp, window, the slowest connect and the slowest close, plus slack.</summary>
    public TimeSpan GlobalDeadline => Ramp + Settle + Duration + ConnectTimeout + CloseTimeout + TimeSpan.FromSeconds(5);

    /// <summary>Session <paramref name="index"/> opens on edge index mod n; the other edges are where it may resume.</summary>
    public SttConnectOptions ConnectOptionsFor(int index)
    {
        var first = index % Urls.Count;
        return new(Urls[first])
        {
            Language = Language,
            Translate = Translate,
            SampleRate = SampleRate,
            ApiKey = ApiKey,
            OtherEdges = [.. Urls.Skip(first + 1), .. Urls.Take(first)],
        };
    }

    /// <returns>Null when --help was asked for.</returns>
    public static LoadTestOptions? Parse(string[] args)
    {
        var reader = new ArgumentReader(args);
        if (reader.Flag("help"))
        {
            return null;
        }

        // A scenario is a short failover check on a topology of its own, not a capacity run: smaller defaults.
        var scenario = reader.String("scenario");
        var frameMs = reader.Int("frame-ms", scenario is null ? 50 : 20);
        var pids = reader.List("pids").Select(p => int.TryParse(p, out var pid) && pid > 0
            ? pid
            : throw new UsageException($"--pids: '{p}' is not a process id.")).ToList();
        var rawBackend = reader.Flag("raw-backend");
        var urls = reader.List("url").Select(ParseUrl).ToList();
        if (urls.Count == 0)
        {
            urls.Add(new Uri("ws://127.0.0.1:5000/v1/listen"));
        }
        else if (scenario is not null)
        {
            throw new UsageException("--scenario starts its own edges: no --url.");
        }

        var options = new LoadTestOptions(
            urls,
            rawBackend,
            reader.Int("sessions", scenario is null ? 200 : 30),
            reader.Double("ramp", scenario is null ? 5 : 1),
            // A scenario's removal is timed from the ramp's end: no settling between.
            reader.Double("settle", scenario is null ? 1 : 0),
            reader.Double("duration", scenario is null ? 20 : 8),
            reader.Int("frame-bytes") ?? frameMs * Pcm.BytesPerMs(SampleRate),
            reader.Double("rate") ?? 1000.0 / frameMs,
            reader.String("audio", "pattern"),
            reader.String("language", "en"),
            reader.List("translate"),
            reader.String("api-key"),
            reader.Double("connect-timeout", 10),
            reader.Double("close-timeout", 10),
            pids,
            reader.String("report-json"),
            reader.String("report-md"),
            // Echo backends answer no words: their finals are checked by end_ms instead (SessionOutcome).
            !reader.Flag("no-finals-check") && scenario is null,
            reader.Flag("accept-refusals"),
            reader.Flag("retry-refused"),
            reader.Int("kill-pid"),
            scenario is null ? reader.Double("kill-at") : reader.Double("remove-at", 3),
            ParseSignal(reader.String("kill-signal", "KILL")),
            scenario,
            reader.String("repo"),
            reader.String("logs"));
        // Read only in the other mode, so each is an unknown option where it means nothing.
        reader.EnsureAllRead();

        if (frameMs <= 0 || options.FrameBytes <= 0 || options.FramesPerSecond <= 0)
        {
            throw new UsageException("--frame-ms, --frame-bytes and --rate must be positive.");
        }

        if (options.Sessions <= 0 || options.RampSeconds < 0 || options.SettleSeconds < 0 || options.DurationSeconds <= 0
            || options.ConnectTimeoutSeconds <= 0 || options.CloseTimeoutSeconds <= 0)
        {
            throw new UsageException("--sessions, --duration and the timeouts must be positive, --ramp and --settle not negative.");
        }

        if (options.Audio is not ("pattern" or "tone"))
        {
            throw new UsageException($"--audio must be pattern or tone, got '{options.Audio}'.");
        }

        if (scenario is not null)
        {
            ValidateScenario(options);
        }
        else
        {
            ValidateKill(options);
        }

        return options;
    }

    private static KillSignal ParseSignal(string text) =>
        Enum.TryParse<KillSignal>(text, ignoreCase: true, out var signal) && Enum.IsDefined(signal)
            ? signal
            : throw new UsageException($"--kill-signal must be KILL or TERM, got '{text}'.");

    private static void ValidateScenario(LoadTestOptions options)
    {
        if (!ScenarioKind.TryParseList(options.Scenario!, out _))
        {
            throw new UsageException($"--scenario must be one of {string.Join(", ", ScenarioKind.Names)} or all, got '{options.Scenario}'.");
        }

        if (options.KillPid is not null || options.RawBackend || options.ReportJson is not null || options.SettleSeconds != 0)
        {
            throw new UsageException("--scenario picks its own process to remove, timed from the ramp's end, and speaks to edges: no --kill-pid, --raw-backend, --report-json or --settle.");
        }

        if (options.KillAtSeconds is not { } at || at < options.RampSeconds || at >= options.RampSeconds + options.DurationSeconds)
        {
            throw new UsageException($"--remove-at must fall while every session streams: from the ramp's end ({options.RampSeconds} s) to below ramp + duration ({options.RampSeconds + options.DurationSeconds} s).");
        }
    }

    private static Uri ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss"
            ? uri
            : throw new UsageException($"--url must be a ws:// or wss:// URL, got '{text}'.");

    private static void ValidateKill(LoadTestOptions options)
    {
        if (options.KillPid is null != options.KillAtSeconds is null)
        {
            throw new UsageException("--kill-pid and --kill-at go together.");
        }

        if (options is not { KillPid: { } pid, KillAtSeconds: { } at })
        {
            return;
        }

        // Bounded: the kill must land while sessions stream, or it proves nothing about failover.
        var streamingEnds = options.RampSeconds + options.SettleSeconds + options.DurationSeconds;
        if (at < 0 || at >= streamingEnds)
        {
            throw new UsageException($"--kill-at must be at least 0 and below ramp + settle + duration ({streamingEnds} s).");
        }

        if (pid <= 0 || pid == Environment.ProcessId)
        {
            throw new UsageException($"--kill-pid: {pid} is not another process's id.");
        }

        // Checked now so a typo fails in a second instead of after a whole run.
        try
        {
            using var process = Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"--kill-pid: no process {pid} is running.");
        }
    }
}
