using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>What an operator's Prometheus scrapes from <c>/metrics</c> after real traffic.</summary>
public sealed partial class MetricsTests
{
    [Fact]
    public async Task A_session_and_a_refusal_show_up_in_the_edges_and_silos_metrics()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4);
        using var http = new HttpClient { BaseAddress = new UriBuilder(fleet.Gateway.ListenUri) { Scheme = "http", Path = "/" }.Uri };

        await using (var session = await SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri) { Translate = ["ja"] }))
        {
            await Conversation.StreamAsync(session, Pcm.Tone(500, 400), frameMs: 50);
            // While it streams, the gauges an autoscaler reads count it on the edge and on the silo, and
            // the silo holds its audio for failover.
            await Eventually.Equal(true, async () =>
            {
                var live = await http.GetStringAsync("/metrics");
                return Value(live, "orleansstt_edge_sessions") == 1 && Value(live, "orleansstt_silo_sessions") == 1
                    && Value(live, "orleansstt_silo_gpu_leases_active", "backend=\"gpu-1\"") == 1
                    && Value(live, "orleansstt_silo_replay_bytes") > 0;
            });
            await session.SendCloseStreamAsync();
            Assert.IsType<ClosedMessage>((await Conversation.ReadToEndAsync(session))[^1]);
        }

        var refused = await Assert.ThrowsAsync<SttRejectedException>(() =>
            SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri) { SampleRate = 12 }));
        Assert.Equal("bad_request", refused.Code);

        // The exporter caches a scrape briefly, and the socket's slot and GPU socket are given back
        // after "closed" is written: read until all of that is in.
        var scrape = "";
        await Eventually.Equal(true, async () =>
        {
            scrape = await http.GetStringAsync("/metrics");
            return Value(scrape, "orleansstt_edge_messages_sent_total", "type=\"closed\"") == 1
                && LentSockets().IsMatch(scrape)
                && Value(scrape, "orleansstt_edge_sessions") == 0
                && Value(scrape, "orleansstt_silo_gpu_leases_active", "backend=\"gpu-1\"") == 0;
        });

        Assert.Equal(1, Value(scrape, "orleansstt_edge_sessions_opened_total", "kind=\"new\""));
        Assert.Equal(1, Value(scrape, "orleansstt_edge_sessions_refused_total", "reason=\"bad_request\""));
        Assert.Equal(8, Value(scrape, "orleansstt_edge_audio_frames_total"));
        Assert.True(Value(scrape, "orleansstt_edge_messages_sent_total", "type=\"final\"") >= 1, scrape);
        Assert.True(Value(scrape, "orleansstt_edge_messages_sent_total", "type=\"translation\"") >= 1, scrape);
        Assert.Equal(1, Value(scrape, "orleansstt_silo_gpu_leases_total", "backend=\"gpu-1\"", "outcome=\"granted\""));
        // Every message written was timed from its publishing on the silo.
        var written = new[] { "session", "partial", "final", "translation", "notice", "closed" }
            .Sum(type => Value(scrape, "orleansstt_edge_messages_sent_total", $"type=\"{type}\""));
        Assert.Equal(written, Value(scrape, "orleansstt_edge_delivery_duration_seconds_count"));
        Assert.True(Value(scrape, "orleansstt_edge_delivery_duration_seconds_bucket", "le=\"10\"") == written, scrape);
        // The pool as the Dashboard shows it, and nothing left waiting in the output queues.
        Assert.Equal(4, Value(scrape, "orleansstt_silo_gpu_capacity", "backend=\"gpu-1\""));
        Assert.Equal(1, Value(scrape, "orleansstt_silo_gpu_health", "backend=\"gpu-1\"", "state=\"Healthy\""));
        Assert.Equal(0, Value(scrape, "orleansstt_silo_gpu_health", "backend=\"gpu-1\"", "state=\"Unhealthy\""));
        Assert.Matches(Zero("orleansstt_edge_output_queued"), scrape);
        Assert.Matches(Zero("orleansstt_edge_output_queued_bytes"), scrape);
        Assert.Matches(Zero("orleansstt_silo_delivery_queued"), scrape);
        // The ended session gave its replay audio back, and nothing was shed for the silo's budget.
        Assert.Matches(Zero("orleansstt_silo_replay_bytes"), scrape);
        Assert.Matches(Zero("orleansstt_silo_replay_shed_bytes_total"), scrape);
        // Orleans' and ASP.NET Core's own instruments come along.
        Assert.Matches(Lines("orleans_"), scrape);
        Assert.Matches(Lines("http_server_request_duration_seconds"), scrape);
        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task A_session_refused_after_the_upgrade_shows_as_an_error_by_its_code()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 1);
        using var http = new HttpClient { BaseAddress = new UriBuilder(fleet.Gateway.ListenUri) { Scheme = "http", Path = "/" }.Uri };
        await using var first = await fleet.OpenAsync();

        // The only GPU stream is taken: the second socket opens, then gets the protocol's error.
        await using var second = await SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri));
        var error = Assert.Single((await Conversation.ReadToEndAsync(second)).OfType<ErrorMessage>());

        await Eventually.Equal(1.0, async () => Value(await http.GetStringAsync("/metrics"), "orleansstt_edge_errors_total", $"code=\"{error.Code}\""));
        await first.CloseAsync();
    }

    [Fact]
    public async Task Metrics_need_an_operator_key_on_an_edge_whose_clients_need_keys()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Stt:Edge:ApiKeys:0"] = "client-key",
            ["Stt:Operators:Keys:0"] = "operator-key",
        });
        using var http = new HttpClient { BaseAddress = new UriBuilder(gateway.ListenUri) { Scheme = "http", Path = "/" }.Uri };

        using var anonymous = await http.GetAsync("/metrics");
        using var client = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "Authorization", "Bearer client-key" } } };
        using var asClient = await http.SendAsync(client);
        using var operatorRequest = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "Authorization", "Bearer operator-key" } } };
        using var asOperator = await http.SendAsync(operatorRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asClient.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asOperator.StatusCode);
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/>; 0 when there is none.</summary>
    private static double Value(string scrape, string name, params string[] labels)
    {
        var samples = SampleLine().Matches(scrape)
            .Where(m => m.Groups["name"].Value == name && labels.All(m.Groups["labels"].Value.Contains))
            .ToList();
        Assert.True(samples.Count <= 1, $"{name} {string.Join(',', labels)} matches {samples.Count} samples");
        return samples.Count == 0 ? 0 : double.Parse(samples[0].Groups["value"].Value, CultureInfo.InvariantCulture);
    }

    private static Regex Lines(string prefix) => new($"(?m)^{Regex.Escape(prefix)}");

    private static Regex Zero(string name) => new($"(?m)^{Regex.Escape(name)}(\\{{[^}}]*\\}})? 0$");

    [GeneratedRegex("""(?m)^orleansstt_silo_gpu_sockets\{[^}]*backend="gpu-1"[^}]*state="lent"[^}]*\} 0""")]
    private static partial Regex LentSockets();

    [GeneratedRegex(@"(?m)^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+|NaN)")]
    private static partial Regex SampleLine();
}
