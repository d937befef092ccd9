using System.Net.WebSockets;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.EndToEnd;

/// <summary>
/// PROTOCOL §1.3 on the wire, driven by hand (the client library's own resume is off here): what a
/// resume sends, what it answers to bad input, and what happens to a socket it replaces.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ResumeTests(GatewayFixture fixture)
{
    private SttConnectOptions Options => new(fixture.Gateway.ListenUri) { Resume = SttResumeOptions.Disabled };

    [Fact]
    public async Task A_client_whose_socket_broke_resumes_and_misses_nothing()
    {
        var audio = Pcm.SpeechPattern(3000);
        var expected = await FinalsOfAsync(audio);

        // The first socket carries the first half of the audio, then vanishes.
        var first = await SttSession.ConnectAsync(Options);
        var reader = Conversation.Reader(first);
        var seen = await Conversation.ReadUntilAsync(reader, m => m is SessionMessage);
        var half = audio.Length / 2 / 640 * 640;
        await Conversation.StreamAsync(first, audio[..half], frameMs: 20);
        seen.AddRange(await Conversation.ReadUntilAsync(reader, m => m is TranscriptMessage));
        first.Abort();
        await first.DisposeAsync();

        var session = (SessionMessage)seen[0];
        await using var second = await SttSession.ConnectAsync(Options with
        {
            SessionId = session.SessionId,
            ResumeToken = session.ResumeToken,
            LastSeq = seen[^1].Seq,
        });
        var resumedReader = Conversation.Reader(second);
        var replayed = await Conversation.ReadUntilAsync(resumedReader, m => m is NoticeMessage { Code: NoticeMessage.Resumed });
        var resumed = (NoticeMessage)replayed[^1];

        // Every frame of the first half reached the session; the client sends the rest.
        Assert.Equal(half / 640, resumed.AudioFrames);
        Assert.Equal(half / 32, resumed.AudioMs);
        await Conversation.StreamAsync(second, audio[half..], frameMs: 20);
        await second.SendCloseStreamAsync();
        var rest = new List<ServerMessage>();
        while (await resumedReader.MoveNextAsync())
        {
            rest.Add(resumedReader.Current);
        }

        List<ServerMessage> all = [.. seen, .. replayed, .. rest];
        Conversation.AssertGaplessSeq(all);
        Assert.Equal(expected, all.OfType<TranscriptMessage>().Where(t => t.IsFinal).Select(t => t.Text));
        Assert.Equal("client_closed", Assert.IsType<ClosedMessage>(all[^1]).Reason);
        await fixture.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Bad_resume_input_gets_its_documented_answer_and_changes_nothing()
    {
        await using var live = await SttSession.ConnectAsync(Options);
        var reader = Conversation.Reader(live);
        var session = (SessionMessage)(await Conversation.ReadUntilAsync(reader, m => m is SessionMessage))[0];
        var resume = Options with { SessionId = session.SessionId, ResumeToken = session.ResumeToken, LastSeq = 1 };

        // One 404 for an unknown session, a wrong token and a seq the session never sent.
        await AssertRefusedAsync(404, "session_not_found", resume with { SessionId = Guid.NewGuid().ToString("N") });
        await AssertRefusedAsync(404, "session_not_found", resume with { ResumeToken = "not-the-token" });
        await AssertRefusedAsync(404, "session_not_found", resume with { LastSeq = 1000 });

        // Malformed resume parameters are a bad request, as any malformed query is.
        await AssertRefusedAsync(400, "bad_request", resume with { LastSeq = null, ExtraQuery = [new("last_seq", "-1")] });
        await AssertRefusedAsync(400, "bad_request", resume with { ResumeToken = null });
        await AssertRefusedAsync(400, "bad_request", resume with { SessionId = "not a session id" });

        // The session went on untouched: its socket still works and ends normally.
        await Conversation.StreamAsync(live, Pcm.Tone(500, 400));
        await live.SendCloseStreamAsync();
        var messages = new List<ServerMessage>();
        while (await reader.MoveNextAsync())
        {
            messages.Add(reader.Current);
        }

        Assert.IsType<ClosedMessage>(messages[^1]);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, live.CloseStatus);

        // A session that ended cannot be resumed.
        await AssertRefusedAsync(404, "session_not_found", resume);
        await fixture.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task A_resume_closes_the_socket_it_replaces_with_4000_and_the_new_one_goes_on()
    {
        var old = await SttSession.ConnectAsync(Options);
        var oldReader = Conversation.Reader(old);
        var session = (SessionMessage)(await Conversation.ReadUntilAsync(oldReader, m => m is SessionMessage))[0];
        var resume = Options with { SessionId = session.SessionId, ResumeToken = session.ResumeToken, LastSeq = session.Seq };

        // Two resumes at once (a client retrying over two networks): both are taken in turn, the later wins.
        var resumes = await Task.WhenAll(SttSession.ConnectAsync(resume), SttSession.ConnectAsync(resume));
        var outcomes = await Task.WhenAll(new[] { old }.Concat(resumes).Select(async socket =>
        {
            await Conversation.StreamAsync(socket, Pcm.Tone(500, 200)).ContinueWith(_ => { });
            await socket.SendCloseStreamAsync().ContinueWith(_ => { });
            var messages = new List<ServerMessage>();
            try
            {
                await foreach (var message in socket.ReadAllAsync(new CancellationTokenSource(Conversation.Deadline).Token))
                {
                    messages.Add(message);
                }
            }
            catch (WebSocketException)
            {
            }

            return (socket.CloseStatus, messages);
        }));

        // The first socket and one of the resumes were replaced: closed with 4000, after nothing of the session's end.
        Assert.Equal(4000, (int?)outcomes[0].CloseStatus);
        Assert.DoesNotContain(outcomes[0].messages, m => m is ClosedMessage);
        var winner = Assert.Single(outcomes[1..], o => o.CloseStatus == WebSocketCloseStatus.NormalClosure);
        Assert.Single(outcomes[1..], o => (int?)o.CloseStatus == 4000);
        Assert.IsType<ClosedMessage>(winner.messages[^1]);
        foreach (var socket in resumes.Append(old))
        {
            await socket.DisposeAsync();
        }

        await fixture.AssertNothingLeakedAsync();
    }

    private async Task AssertRefusedAsync(int status, string code, SttConnectOptions options)
    {
        var activations = await fixture.Gateway.SessionActivationsAsync();
        var refused = await Assert.ThrowsAsync<SttRejectedException>(() => SttSession.ConnectAsync(options));
        Assert.Equal(status, refused.StatusCode);
        Assert.Equal(code, refused.Code);
        Assert.Equal(activations, await Eventually.Equal(activations, fixture.Gateway.SessionActivationsAsync));
    }

    /// <summary>The finals an uninterrupted session gets for <paramref name="audio"/>.</summary>
    private async Task<List<string>> FinalsOfAsync(byte[] audio)
    {
        await using var session = await SttSession.ConnectAsync(Options);
        await Conversation.StreamAsync(session, audio, frameMs: 20);
        await session.SendCloseStreamAsync();
        return (await Conversation.ReadToEndAsync(session)).OfType<TranscriptMessage>().Where(t => t.IsFinal).Select(t => t.Text).ToList();
    }
}
