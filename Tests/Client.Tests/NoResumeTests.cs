using System.Net.WebSockets;
using static OrleansStt.Client.Tests.Wire;

namespace OrleansStt.Client.Tests;

/// <summary>Where PROTOCOL.md §1.3 says a session ends, the client must not reconnect.</summary>
public sealed class NoResumeTests
{
    [Fact]
    public async Task A_superseded_close_4000_ends_the_session_without_a_resume()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var (session, socket) = await ResumeTests.ConnectAsync(edge, new SttConnectOptions(edge.ListenUri) { Resume = ResumeTests.Fast });
        await using var _ = session;
        var messages = new MessageCollector(session);
        await socket.SendAsync(Session(1));
        await messages.SeqAsync(1);

        await socket.CloseAndAwaitAnswerAsync(SttSession.SupersededCloseStatus, "superseded");

        Assert.Null(await messages.EndAsync());
        Assert.Equal((WebSocketCloseStatus)SttSession.SupersededCloseStatus, session.CloseStatus);
        Assert.Equal(0, session.Resumes);
        Assert.False(edge.HasUnansweredCall);
    }

    [Fact]
    public async Task A_close_after_closed_is_the_normal_end_even_when_going_away()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var (session, socket) = await ResumeTests.ConnectAsync(edge, new SttConnectOptions(edge.ListenUri) { Resume = ResumeTests.Fast });
        await using var _ = session;
        var messages = new MessageCollector(session);
        await socket.SendAsync(Session(1));
        await socket.SendAsync(Closed(2));

        await socket.CloseAndAwaitAnswerAsync(1001, "going_away");

        Assert.Null(await messages.EndAsync());
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, session.CloseStatus);
        Assert.False(edge.HasUnansweredCall);
    }

    [Fact]
    public async Task A_break_after_closed_throws_as_before()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var (session, socket) = await ResumeTests.ConnectAsync(edge, new SttConnectOptions(edge.ListenUri) { Resume = ResumeTests.Fast });
        await using var _ = session;
        var messages = new MessageCollector(session);
        await socket.SendAsync(Session(1));
        await socket.SendAsync(Closed(2));
        await messages.SeqAsync(2);

        socket.Break();

        var thrown = Assert.IsType<WebSocketException>(await messages.EndAsync());
        Assert.Null(session.ResumeFailure);
        Assert.IsNotType<SttResumeFailedException>(thrown.InnerException);
        Assert.False(edge.HasUnansweredCall);
    }

    [Fact]
    public async Task A_break_after_close_stream_is_not_resumed()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var (session, socket) = await ResumeTests.ConnectAsync(edge, new SttConnectOptions(edge.ListenUri) { Resume = ResumeTests.Fast });
        await using var _ = session;
        var messages = new MessageCollector(session);
        await socket.SendAsync(Session(1));
        await messages.SeqAsync(1);
        await session.SendCloseStreamAsync();
        Assert.Equal(WebSocketMessageType.Text, (await socket.ReceiveAsync()).Type);

        socket.Break();

        Assert.IsType<WebSocketException>(await messages.EndAsync());
        Assert.False(edge.HasUnansweredCall);
    }

    [Fact]
    public async Task Abort_drops_the_connection_without_a_resume()
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var (session, socket) = await ResumeTests.ConnectAsync(edge, new SttConnectOptions(edge.ListenUri) { Resume = ResumeTests.Fast });
        await using var _ = session;
        var messages = new MessageCollector(session);
        await socket.SendAsync(Session(1));
        await messages.SeqAsync(1);

        session.Abort();

        Assert.NotNull(await messages.EndAsync());
        Assert.True(await socket.EndsWithoutMoreDataAsync());
        Assert.Equal(WebSocketState.Aborted, session.State);
        await Assert.ThrowsAnyAsync<Exception>(() => session.SendAudioAsync(Frame(0)));
        Assert.False(edge.HasUnansweredCall);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_resume_disabled_a_break_throws_and_a_going_away_close_ends_as_before(bool broken)
    {
        await using var edge = await ScriptedEdge.StartAsync();
        var (session, socket) = await ResumeTests.ConnectAsync(edge, new SttConnectOptions(edge.ListenUri) { Resume = SttResumeOptions.Disabled });
        await using var _ = session;
        var messages = new MessageCollector(session);
        await socket.SendAsync(Session(1));
        await messages.SeqAsync(1);

        if (broken)
        {
            socket.Break();
            var thrown = Assert.IsType<WebSocketException>(await messages.EndAsync());
            Assert.IsNotType<SttResumeFailedException>(thrown.InnerException);
        }
        else
        {
            await socket.CloseAndAwaitAnswerAsync(1001, "going_away");
            Assert.Null(await messages.EndAsync());
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, session.CloseStatus);
        }

        Assert.False(edge.HasUnansweredCall);
    }
}
