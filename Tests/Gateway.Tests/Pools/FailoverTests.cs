using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.InferenceSim;

namespace OrleansStt.Gateway.Tests.Pools;

/// <summary>
/// GPU servers failing mid-utterance: the session moves to the other server, the client sees
/// a backend_switched notice and no error, and the utterance's final still arrives whole.
/// </summary>
public sealed class FailoverTests
{
    public static TheoryData<string> MidStreamFaults => ["close", "fail", "stall", "die"];

    [Theory]
    [MemberData(nameof(MidStreamFaults))]
    public async Task Sessions_on_a_failing_server_move_without_losing_a_final(string fault)
    {
        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 8);
        var sessions = new List<OpenSession>();
        for (var i = 0; i < 6; i++)
        {
            sessions.Add(await fleet.OpenAsync());
        }

        // Mid-utterance: three words heard, no final yet.
        foreach (var session in sessions)
        {
            await Conversation.StreamAsync(session.Session, Pcm.Tone(500, 600));
            await session.ReadUntilAsync(m => m is TranscriptMessage { Text: "five five five" });
        }

        var victim = sessions[0].Backend;
        await Break(fleet.Server(victim), fault);

        foreach (var session in sessions)
        {
            await Conversation.StreamAsync(session.Session, [.. Pcm.Tone(500, 400), .. Pcm.Silence(400), .. Pcm.Tone(300, 600)]);
        }

        foreach (var session in sessions)
        {
            var messages = await session.CloseAsync();
            Conversation.AssertGaplessSeq(messages);
            Assert.Empty(messages.OfType<ErrorMessage>());
            Assert.IsType<ClosedMessage>(messages[^1]);
            var finals = messages.OfType<TranscriptMessage>().Where(t => t.IsFinal).ToList();
            Assert.Equal(["five five five five five", "three three three"], finals.Select(f => f.Text));
            Assert.Equal([(0L, 1000L), (1400L, 2000L)], finals.Select(f => (f.StartMs, f.EndMs)));
            var notices = messages.OfType<NoticeMessage>().ToList();
            if (session.Backend == victim)
            {
                Assert.Equal("backend_switched", Assert.Single(notices).Code);
            }
            else
            {
                Assert.Empty(notices);
            }
        }

        Assert.Contains(sessions, s => s.Backend != victim);
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }

        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task A_long_pause_in_speech_is_not_taken_for_a_stalled_server()
    {
        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 4);
        await using var session = await fleet.OpenAsync();

        // The simulator says nothing during silence; wait past the 2 s stall deadline.
        await Conversation.StreamAsync(session.Session, [.. Pcm.Tone(500, 600), .. Pcm.Silence(400), .. Pcm.Silence(5000)]);
        await session.ReadUntilAsync(m => m is TranscriptMessage { IsFinal: true });
        await Task.Delay(TimeSpan.FromSeconds(4));
        await Conversation.StreamAsync(session.Session, Pcm.Tone(300, 400));
        var messages = await session.CloseAsync();

        Assert.Empty(messages.OfType<NoticeMessage>());
        Assert.Equal(["five five five", "three three"], messages.OfType<TranscriptMessage>().Where(t => t.IsFinal).Select(t => t.Text));
        foreach (var id in fleet.BackendIds)
        {
            Assert.Equal(0L, (await fleet.StatusAsync(id)).Failures);
        }

        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Slow_server_keeps_its_sessions()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4);
        fleet.Servers[0].Faults.SlowMs = 500;

        await using var session = await fleet.OpenAsync();
        await Conversation.StreamAsync(session.Session, [.. Pcm.Tone(500, 600), .. Pcm.Silence(400)]);
        var messages = await session.CloseAsync();

        Assert.Empty(messages.OfType<NoticeMessage>());
        Assert.Empty(messages.OfType<ErrorMessage>());
        Assert.Equal("five five five", messages.OfType<TranscriptMessage>().Single(t => t.IsFinal).Text);
        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Server_refusing_connections_gets_no_sessions_and_its_pool_turns_unhealthy()
    {
        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 8);
        fleet.Servers[0].Faults.RefuseConnections = true;

        var sessions = new List<OpenSession>();
        for (var i = 0; i < 6; i++)
        {
            sessions.Add(await fleet.OpenAsync());
        }

        Assert.All(sessions, s => Assert.Equal("gpu-2", s.Backend));
        Assert.Equal("Unhealthy", await Eventually.Equal("Unhealthy", async () => (await fleet.StatusAsync("gpu-1")).Health.ToString()));
        foreach (var session in sessions)
        {
            Assert.IsType<ClosedMessage>((await session.CloseAsync())[^1]);
            await session.DisposeAsync();
        }

        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Server_lowering_its_capacity_below_the_pools_sends_the_overflow_elsewhere()
    {
        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 8);
        fleet.Servers[0].Faults.Capacity = 1;

        var sessions = new List<OpenSession>();
        for (var i = 0; i < 8; i++)
        {
            var session = await fleet.OpenAsync();
            await Conversation.StreamAsync(session.Session, Pcm.Tone(500, 200));
            sessions.Add(session);
        }

        foreach (var session in sessions)
        {
            var messages = await session.CloseAsync();
            Assert.Empty(messages.OfType<ErrorMessage>());
            Assert.Equal("five", messages.OfType<TranscriptMessage>().Single(t => t.IsFinal).Text);
            await session.DisposeAsync();
        }

        Assert.Equal(1, fleet.Servers[0].Stats.PeakActiveStreams);
        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Sick_server_gets_no_new_sessions_until_its_health_passes_again()
    {
        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 8);
        await using var running = await fleet.OpenAsync();
        var sick = fleet.Server(running.Backend);
        sick.Faults.Sick = true;
        Assert.Equal("Unhealthy", await Eventually.Equal("Unhealthy", async () => (await fleet.StatusAsync(running.Backend)).Health.ToString()));

        for (var i = 0; i < 4; i++)
        {
            await using var fresh = await fleet.OpenAsync();
            Assert.NotEqual(running.Backend, fresh.Backend);
            await fresh.CloseAsync();
        }

        // The running session was not disturbed.
        await Conversation.StreamAsync(running.Session, Pcm.Tone(500, 200));
        var messages = await running.CloseAsync();
        Assert.Empty(messages.OfType<NoticeMessage>());
        Assert.Equal("five", messages.OfType<TranscriptMessage>().Single(t => t.IsFinal).Text);

        sick.Faults.Sick = false;
        Assert.Equal("Healthy", await Eventually.Equal("Healthy", async () => (await fleet.StatusAsync(running.Backend)).Health.ToString(), TimeSpan.FromSeconds(45)));
        await fleet.AssertNothingLeakedAsync();
    }

    private static async Task Break(SimulatorServer server, string fault)
    {
        switch (fault)
        {
            case "close":
                server.Faults.CloseStreams();
                break;
            case "fail":
                server.Faults.FailStreams("injected by the test");
                break;
            case "stall":
                server.Faults.Stall = true;
                break;
            case "die":
                await server.DisposeAsync();
                break;
        }
    }
}
