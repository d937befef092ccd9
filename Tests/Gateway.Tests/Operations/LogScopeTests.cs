using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>What an operator's log search finds for one session id.</summary>
public sealed class LogScopeTests
{
    [Fact]
    public async Task Every_line_about_a_session_carries_its_id_as_a_scope_on_the_edge_and_on_the_silo()
    {
        var logs = new CapturedLogs();
        // A short grace, so that the session's timer ends it within the test: timer lines count too.
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 2, logs: logs, overrides: new Dictionary<string, string?>
        {
            ["Stt:Session:GracePeriod"] = "00:00:01",
        });
        var client = await SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri));
        var reader = Conversation.Reader(client);
        var opened = (SessionMessage)(await Conversation.ReadUntilAsync(reader, m => m is SessionMessage))[^1];
        await Conversation.StreamAsync(client, Pcm.Tone(500, 200), frameMs: 20);
        await Conversation.ReadUntilAsync(reader, m => m is TranscriptMessage);

        // The client vanishes: the edge detaches the session, whose grain logs that it waits for a
        // resume (a call), then that none came (its watchdog timer).
        client.Abort();
        await client.DisposeAsync();
        await Eventually.Equal(true, () => Task.FromResult(logs.Lines.Any(l => l.Message.Contains("no resume within", StringComparison.Ordinal))));

        var about = logs.Lines.Where(l => l.Message.Contains(opened.SessionId, StringComparison.Ordinal)).ToList();
        Assert.Contains(about, l => l.Category.StartsWith("OrleansStt.EdgeHost.", StringComparison.Ordinal));
        Assert.Contains(about, l => l.Message.Contains("lost its client socket", StringComparison.Ordinal));
        Assert.Contains(about, l => l.Message.Contains("no resume within", StringComparison.Ordinal));
        Assert.All(about, line => Assert.Equal([opened.SessionId], line.ScopeValues("SessionId")));
    }
}
