using System.Net.WebSockets;
using System.Text;
using static OrleansStt.Client.Tests.Wire;

namespace OrleansStt.Client.Tests;

/// <summary>The session resumes by itself (PROTOCOL.md §1.3) and the caller sees one gapless session.</summary>
public sealed class ResumeTests
{
    public static readonly SttResumeOptions Fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(50),
        GiveUpAfter = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task A_break_resumes_on_the_same_edge_and_sends_again_exactly_the_frames_the_edge_lacks()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var options = new SttConnectOptions(edge.ListenUri) { Translate = ["ja"], ApiKey = "key-1", Resume = Fast };
        var (session, first) = await ConnectAsync(edge, options);
        await using var _ = session;
        var messages = new MessageCollector(session);
        await first.SendAsync(Session(1));
        await first.SendAsync(Transcript(2));
        // A later session message renews the token; the resume must use the new one.
        await first.SendAsync(Session(3, resumeToken: "token-2"));
        for (var i = 0; i < 5; i++)
        {
            await session.SendAudioAsync(Frame(i));
            Assert.Equal(Frame(i), await first.ReceiveAudioAsync());
        }

        await messages.SeqAsync(3);
        first.Break();
        // Sent into the dead socket or held until the resume: either way it follows frames 3 and 4.
        var sendingDuringBreak = session.SendAudioAsync(Frame(5));

        var resume = await edge.NextCallAsync();
        Assert.Equal(SessionId, resume.Query["session_id"]);
        Assert.Equal("token-2", resume.Query["resume_token"]);
        Assert.Equal("3", resume.Query["last_seq"]);
        Assert.Equal("Bearer key-1", resume.Authorization);
        Assert.All(new[] { "language", "translate", "sample_rate", "encoding" }, name => Assert.False(resume.Query.ContainsKey(name), name));
        var second = await resume.AcceptAsync();
        await second.SendAsync(Transcript(4, "produced while away"));
        // The edge had frames 0-2 when the socket broke; 3 and 4 were lost in flight.
        await second.SendAsync(Resumed(5, audioFrames: 3));

        Assert.Equal(Frame(3), await second.ReceiveAudioAsync());
        Assert.Equal(Frame(4), await second.ReceiveAudioAsync());
        Assert.Equal(Frame(5), await second.ReceiveAudioAsync());
        await sendingDuringBreak;
        await session.SendAudioAsync(Frame(6));
        Assert.Equal(Frame(6), await second.ReceiveAudioAsync());
        await second.SendAsync(Closed(6));
        await second.CloseAndAwaitAnswerAsync(1000, "client_closed");

        Assert.Null(await messages.EndAsync());
        Assert.Equal([1, 2, 3, 4, 5, 6], messages.All.Select(m => m.Seq));
        var resumed = Assert.IsType<NoticeMessage>(messages.All[4]);
        Assert.Equal((NoticeMessage.Resumed, 3L, 30L), (resumed.Code, resumed.AudioFrames, resumed.AudioMs));
        Assert.Equal(1, session.Resumes);
        Assert.True(session.LastResumeSilence > TimeSpan.Zero);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        // Latency counts every byte once, from its first send.
        Assert.Equal(7 * Frame(0).Length, session.Latency.BytesSent);
        Assert.False(edge.HasUnansweredCall);
    }

    [Fact]
    public async Task Draining_moves_the_session_to_the_next_edge_while_the_old_socket_still_delivers_and_duplicates_are_dropped()
    {
        await using var draining = await ScriptedEdge.StartAsync();
        await using var next = await ScriptedEdge.StartAsync();
        var options = new SttConnectOptions(draining.ListenUri) { OtherEdges = [next.ListenUri], Resume = Fast };
        var (session, old) = await ConnectAsync(draining, options);
        await using var _ = session;
        var messages = new MessageCollector(session);
        await old.SendAsync(Session(1));
        await session.SendAudioAsync(Frame(0));
        await session.SendAudioAsync(Frame(1));
        Assert.Equal(Frame(0), await old.ReceiveAudioAsync());
        Assert.Equal(Frame(1), await old.ReceiveAudioAsync());

        await old.SendAsync(Draining(2));
        var resume = await next.NextCallAsync();
        Assert.Equal("2", resume.Query["last_seq"]);
        var fresh = await resume.AcceptAsync();
        // Both sockets carry seq 3 and 4 (the old one has not been closed yet); each must be yielded once.
        await old.SendAsync(Transcript(3, "old"));
        await fresh.SendAsync(Transcript(3, "new"));
        await fresh.SendAsync(Transcript(4, "new"));
        await old.SendAsync(Transcript(4, "old"));
        await old.CloseAsync(SttSession.SupersededCloseStatus, "superseded");
        await fresh.SendAsync(Resumed(5, audioFrames: 1));
        await messages.SeqAsync(5);

        Assert.Equal(Frame(1), await fresh.ReceiveAudioAsync());
        await session.SendAudioAsync(Frame(2));
        Assert.Equal(Frame(2), await fresh.ReceiveAudioAsync());
        await fresh.SendAsync(Closed(6));
        await fresh.CloseAndAwaitAnswerAsync(1000, "client_closed");

        Assert.Null(await messages.EndAsync());
        Assert.Equal([1, 2, 3, 4, 5, 6], messages.All.Select(m => m.Seq));
        Assert.Equal(NoticeMessage.Draining, Assert.IsType<NoticeMessage>(messages.All[1]).Code);
        Assert.Equal(NoticeMessage.Resumed, Assert.IsType<NoticeMessage>(messages.All[4]).Code);
        Assert.Equal(1, session.Resumes);
        Assert.Equal(next.ListenUri, session.Edge);
        Assert.False(draining.HasUnansweredCall);
        Assert.False(next.HasUnansweredCall);
    }

    [Fact]
    public async Task A_going_away_close_resumes_after_a_busy_edge_asks_to_retry()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var (session, first) = await ConnectAsync(edge, new SttConnectOptions(edge.ListenUri) { Resume = Fast });
        await using var _ = session;
        var messages = new MessageCollector(session);
        await first.SendAsync(Session(1));
        await messages.SeqAsync(1);
        await first.CloseAsync(1001, "going_away");

        await (await edge.NextCallAsync()).RefuseAsync(503, "capacity_exhausted");
        var second = await (await edge.NextCallAsync()).AcceptAsync();
        await second.SendAsync(Resumed(2, audioFrames: 0));
        await session.SendAudioAsync(Frame(0));
        Assert.Equal(Frame(0), await second.ReceiveAudioAsync());
        await second.SendAsync(Closed(3));
        await second.CloseAndAwaitAnswerAsync(1000, "client_closed");

        Assert.Null(await messages.EndAsync());
        Assert.Equal([1, 2, 3], messages.All.Select(m => m.Seq));
        Assert.Equal(1, session.Resumes);
    }

    [Fact]
    public async Task A_keepalive_sent_while_resuming_goes_out_on_the_new_socket_after_the_audio_sent_again()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var (session, first) = await ConnectAsync(edge, new SttConnectOptions(edge.ListenUri) { Resume = Fast });
        await using var _ = session;
        var messages = new MessageCollector(session);
        await first.SendAsync(Session(1));
        await session.SendAudioAsync(Frame(0));
        Assert.Equal(Frame(0), await first.ReceiveAudioAsync());
        await messages.SeqAsync(1);
        first.Break();
        var resume = await edge.NextCallAsync();

        // The reader has seen the break (it is reconnecting): the keepalive waits for the new socket.
        var keepalive = session.SendKeepaliveAsync();
        var second = await resume.AcceptAsync();
        await second.SendAsync(Resumed(2, audioFrames: 0));

        Assert.Equal(Frame(0), await second.ReceiveAudioAsync());
        var (type, data) = await second.ReceiveAsync();
        Assert.Equal((WebSocketMessageType.Text, """{"type":"keepalive"}"""), (type, Encoding.UTF8.GetString(data)));
        await keepalive;
        await second.SendAsync(Closed(3));
        await second.CloseAndAwaitAnswerAsync(1000, "client_closed");
        Assert.Null(await messages.EndAsync());
        Assert.Equal(1, session.Resumes);
    }

    [Fact]
    public async Task Session_not_found_on_every_edge_fails_the_session_and_nothing_more_is_sent()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        await using var other = await ScriptedEdge.StartAsync();
        var options = new SttConnectOptions(edge.ListenUri) { OtherEdges = [other.ListenUri], Resume = Fast };
        var (session, first) = await ConnectAsync(edge, options);
        await using var _ = session;
        var messages = new MessageCollector(session);
        await first.SendAsync(Session(1));
        await messages.SeqAsync(1);
        first.Break();
        var sendingDuringBreak = session.SendAudioAsync(Frame(0));

        await (await edge.NextCallAsync()).RefuseAsync(404, "session_not_found");
        await (await other.NextCallAsync()).RefuseAsync(404, "session_not_found");

        var thrown = Assert.IsType<WebSocketException>(await messages.EndAsync());
        var failure = Assert.IsType<SttResumeFailedException>(thrown.InnerException);
        Assert.Equal(SttResumeFailure.SessionNotFound, failure.Reason);
        Assert.Same(failure, session.ResumeFailure);
        Assert.Equal(404, Assert.IsType<SttRejectedException>(failure.InnerException).StatusCode);
        await Assert.ThrowsAsync<WebSocketException>(() => sendingDuringBreak);
        await Assert.ThrowsAsync<WebSocketException>(() => session.SendAudioAsync(Frame(1)));
        Assert.Equal(0, session.Resumes);
        Assert.False(edge.HasUnansweredCall);
        Assert.False(other.HasUnansweredCall);
    }

    [Fact]
    public async Task Audio_older_than_the_buffer_keeps_fails_the_resume_clearly()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var options = new SttConnectOptions(edge.ListenUri) { Resume = Fast with { MaxBufferedAudioBytes = 1000 } };
        var (session, first) = await ConnectAsync(edge, options);
        await using var _ = session;
        var messages = new MessageCollector(session);
        await first.SendAsync(Session(1));
        // 400-byte frames within 1000 bytes: frames 3 and 4 are kept.
        for (var i = 0; i < 5; i++)
        {
            await session.SendAudioAsync(Frame(i, bytes: 400));
            Assert.Equal(Frame(i, bytes: 400), await first.ReceiveAudioAsync());
        }

        await messages.SeqAsync(1);
        first.Break();
        var second = await (await edge.NextCallAsync()).AcceptAsync();
        await second.SendAsync(Resumed(2, audioFrames: 2));

        var thrown = Assert.IsType<WebSocketException>(await messages.EndAsync());
        var failure = Assert.IsType<SttResumeFailedException>(thrown.InnerException);
        Assert.Equal(SttResumeFailure.AudioNotBuffered, failure.Reason);
        Assert.Contains("frame 2", failure.Message);
        Assert.True(await second.EndsWithoutMoreDataAsync());
        Assert.False(edge.HasUnansweredCall);
    }

    [Fact]
    public async Task An_edge_that_stays_busy_past_the_deadline_fails_the_resume()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var options = new SttConnectOptions(edge.ListenUri) { Resume = Fast with { GiveUpAfter = TimeSpan.FromMilliseconds(500) } };
        var (session, first) = await ConnectAsync(edge, options);
        await using var _ = session;
        var messages = new MessageCollector(session);
        await first.SendAsync(Session(1));
        await messages.SeqAsync(1);
        first.Break();

        var ended = messages.EndAsync();
        for (var refused = 0; refused < 100; refused++)
        {
            var call = edge.NextCallAsync();
            if (await Task.WhenAny(call, ended) != call)
            {
                break;
            }

            await (await call).RefuseAsync(503, "capacity_exhausted");
        }

        var thrown = Assert.IsType<WebSocketException>(await ended);
        Assert.Equal(SttResumeFailure.TimedOut, Assert.IsType<SttResumeFailedException>(thrown.InnerException).Reason);
    }

    /// <summary>Connects, accepting the upgrade on the scripted edge.</summary>
    internal static async Task<(SttSession Session, EdgeSocket Socket)> ConnectAsync(ScriptedEdge edge, SttConnectOptions options)
    {
        var connecting = SttSession.ConnectAsync(options);
        var socket = await (await edge.NextCallAsync()).AcceptAsync();
        return (await connecting, socket);
    }
}
