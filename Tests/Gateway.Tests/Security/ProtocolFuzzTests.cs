using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansStt.Client;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>
/// A protocol fuzzer against the embedded gateway's real sockets: over 10,000 malformed or random
/// inputs in four families (upgrade queries, text frames, binary frames, raw TCP), each judged
/// against the answer docs/protocol.md documents for it. Deterministic for a seed (printed;
/// <c>FUZZ_SEED</c> picks another). Afterwards the gateway must be healthy, hold nothing, and serve
/// a normal session.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ProtocolFuzzTests(GatewayFixture fixture, ITestOutputHelper output)
{
    private const int DefaultSeed = 6455;
    private const int MinimumInputs = 10_000;
    private const int QueryInputs = 6_200;
    private const int TextInputs = 2_400;
    private const int BinaryInputs = 1_500;

    /// <summary>Sessions in their grace period hold a lease each; new sessions wait while this many are held (the fleet has 2 × 64).</summary>
    private const int LeaseHeadroom = 80;

    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(100);

    [Fact]
    public async Task Malformed_and_random_input_gets_only_documented_answers_and_leaves_the_gateway_whole()
    {
        // The frame limits the answers depend on: the fixture's audio limit, the documented default for control frames.
        var limits = fixture.Gateway.Services.GetRequiredService<IOptions<EdgeOptions>>().Value;
        Assert.Equal(TextFrameDocs.MaxControlFrameBytes, limits.MaxControlFrameBytes);

        var seed = Environment.GetEnvironmentVariable("FUZZ_SEED") is { Length: > 0 } chosen ? int.Parse(chosen, CultureInfo.InvariantCulture) : DefaultSeed;
        output.WriteLine($"seed: {seed} (set FUZZ_SEED to fuzz with another)");
        var random = new Random(seed);
        var target = new FuzzTarget(fixture.Gateway.ListenUri);
        var report = new FuzzReport();
        using var budget = new CancellationTokenSource(Budget);
        var clock = Stopwatch.StartNew();
        var laps = new List<string>();
        var liveCheck = "FAILED: the live session was not checked";
        void Lap(string family) => laps.Add($"{family}: {clock.Elapsed.TotalSeconds:F1} s");

        try
        {
            liveCheck = await QueriesAsync(random, target, report, budget.Token);
            Lap(QueryFamily.Family);

            var text = new TextFrameFuzzer(random).Generate(TextInputs);
            await new FrameFamily(target, report, "2 text frame", ThrottleAsync).RunAsync(text, parallel: 2, budget.Token);
            Lap("2 text frame");

            var binary = new BinaryFrameFuzzer(random, limits.MaxAudioFrameBytes).Generate(BinaryInputs);
            await new FrameFamily(target, report, "3 binary frame", ThrottleAsync).RunAsync(binary, parallel: 2, budget.Token);
            Lap("3 binary frame");

            var raw = new RawTcpFuzzer(random, target.Host).Generate();
            await new RawTcpFamily(target, report, ThrottleAsync).RunAsync(raw, parallel: 4, budget.Token);
            Lap(RawTcpFamily.Family);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            report.CheckFailed("time budget", $"the fuzzing did not finish within {Budget.TotalSeconds} s");
        }

        var checks = await AfterFuzzingAsync(target, report);
        Lap("checks after the fuzzing");

        output.WriteLine($"seed: {seed}; inputs: {report.Total}; time: {clock.Elapsed.TotalSeconds:F1} s ({string.Join("; ", laps)})");
        output.WriteLine("");
        output.WriteLine(report.Table());
        output.WriteLine(string.Join(Environment.NewLine, [liveCheck, .. checks]));
        output.WriteLine("");
        var summary = report.DiscrepancySummary();
        if (summary.Length > 0)
        {
            output.WriteLine("Answers docs/protocol.md does not document:");
            output.WriteLine(summary);
        }

        Assert.True(report.Total >= MinimumInputs, $"Only {report.Total} inputs were judged.");
        Assert.True(report.DiscrepancyCount == 0, $"seed {seed}: {report.DiscrepancyCount} undocumented answer(s):\n{summary}");
    }

    /// <summary>Family 1, with one live session that wrong-token resumes of it must leave alone.</summary>
    private async Task<string> QueriesAsync(Random random, FuzzTarget target, FuzzReport report, CancellationToken cancellationToken)
    {
        await using var live = await FuzzSocket.OpenAsync(target.ListenUri, cancellationToken);
        var liveId = live.Session.Raw.Split("\"session_id\":\"")[1][..32];
        var inputs = new QueryFuzzer(random).Generate(QueryInputs, liveId);

        using var stopAudio = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var audio = Task.Run(async () =>
        {
            // A trickle of silence (20 ms a second), so that the live session outlasts the family however slow the machine.
            using var every = new PeriodicTimer(TimeSpan.FromSeconds(1));
            do
            {
                await live.SendAsync(WebSocketMessageType.Binary, new byte[640], null, stopAudio.Token);
            }
            while (await every.WaitForNextTickAsync(stopAudio.Token));
        }, stopAudio.Token);

        await new QueryFamily(target, report).RunAsync(inputs, workers: 4, cancellationToken);

        await stopAudio.CancelAsync();
        await audio.ContinueWith(static _ => { }, TaskScheduler.Default);

        // §1.7: "Nothing changes: a live session and its socket go on untouched."
        await live.SendTextAsync("{}", cancellationToken);
        using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        answer.CancelAfter(TimeSpan.FromSeconds(10));
        Heard next;
        do
        {
            next = await live.NextAsync(answer.Token);
        }
        while (next is HeardMessage { Type: "transcript" or "translation" });

        var end = await live.CloseStreamAsync(answer.Token);
        var check = $"the live session after {inputs.Count(i => i.Query?.Contains(liveId, StringComparison.Ordinal) == true)} resumes of it with a wrong token: still answers, then closed client_closed, 1000";
        if (next is not HeardMessage { Type: "error", Code: "bad_request" }
            || end is not [.., HeardMessage { Type: "closed", Reason: "client_closed" }, HeardClose { Status: WebSocketCloseStatus.NormalClosure }])
        {
            report.CheckFailed(check, $"it answered {next}, then [{string.Join(" | ", end)}]");
            return $"FAILED: {check}";
        }

        return $"ok: {check}";
    }

    /// <summary>The gateway is up, holds nothing, and serves a normal session; each check's result.</summary>
    private async Task<List<string>> AfterFuzzingAsync(FuzzTarget target, FuzzReport report)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var checks = new List<string>();
        await CheckAsync(report, checks, "/healthz answers 200", async () =>
        {
            using var health = await http.GetAsync(target.Http("/healthz"));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        });

        await CheckAsync(report, checks, "nothing leaked: no lease, no GPU stream, no session grain", fixture.AssertNothingLeakedAsync);

        await CheckAsync(report, checks, "/healthz sessions back to 0", async () => Assert.Equal(0, await Eventually.Equal(0, async () =>
            (await http.GetFromJsonAsync<Dictionary<string, System.Text.Json.JsonElement>>(target.Http("/healthz")))!["sessions"].GetInt32())));

        await CheckAsync(report, checks, "a normal session: audio, close_stream, transcript 'five five', closed client_closed, 1000", async () =>
        {
            using var connecting = new CancellationTokenSource(Conversation.Deadline);
            await using var session = await SttSession.ConnectAsync(new SttConnectOptions(fixture.Gateway.ListenUri), connecting.Token);
            await Conversation.StreamAsync(session, Pcm.Tone(500, 400));
            await session.SendCloseStreamAsync();
            var messages = await Conversation.ReadToEndAsync(session);

            Conversation.AssertGaplessSeq(messages);
            Assert.IsType<SessionMessage>(messages[0]);
            Assert.Equal("five five", messages.OfType<TranscriptMessage>().Single(t => t.IsFinal).Text);
            Assert.Equal("client_closed", Assert.IsType<ClosedMessage>(messages[^1]).Reason);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        });

        await CheckAsync(report, checks, "nothing leaked after the normal session", fixture.AssertNothingLeakedAsync);
        return checks;
    }

    private static async Task CheckAsync(FuzzReport report, List<string> checks, string check, Func<Task> assertion)
    {
        try
        {
            await assertion();
            checks.Add($"ok: {check}");
        }
        catch (Exception ex)
        {
            report.CheckFailed(check, $"{ex.GetType().Name}: {ex.Message}");
            checks.Add($"FAILED: {check}");
        }
    }

    /// <summary>Waits (bounded) while sessions in their grace period hold most of the fleet's leases.</summary>
    private async Task ThrottleAsync(CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < until && await fixture.Gateway.ActiveLeasesAsync(fixture.BackendIds) > LeaseHeadroom)
        {
            await Task.Delay(100, cancellationToken);
        }
    }
}
