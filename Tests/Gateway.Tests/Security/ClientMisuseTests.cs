using OrleansStt.Client;
using OrleansStt.EdgeHost.Listen;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Grains.Interfaces.Delivery;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>The lesser findings: a client that never reads, and commands after <c>close_stream</c>.</summary>
public sealed class ClientMisuseTests
{
    [Fact]
    public void A_client_that_never_reads_costs_at_most_the_queue_bytes_however_long_its_transcripts()
    {
        var queue = new OutputQueue(maxMessages: 1000, maxBytes: 16 * 1024);
        var longTranscript = new SessionOutput("s", 1, new OrleansStt.Grains.Interfaces.Protocol.TranscriptMessage(false, "en", new string('a', 1000), 0, 1000));

        var accepted = 0;
        while (queue.TryWrite(longTranscript))
        {
            accepted++;
        }

        // ~3 KB estimated each: five fit in 16 KB, far below the 1,000-message limit.
        Assert.Equal(5, accepted);
        Assert.True(queue.Bytes <= 16 * 1024);
        Assert.True(queue.Reader.TryRead(out var sent));
        queue.Taken(sent!);
        Assert.True(queue.TryWrite(longTranscript));
    }

    [Fact]
    public async Task Commands_and_audio_after_close_stream_are_ignored_and_the_session_closes_normally()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4);
        await using var session = await SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri));
        await Conversation.StreamAsync(session, Pcm.Tone(500, 400));

        await session.SendCloseStreamAsync();
        await session.SendTextAsync("""{"type":"finalize"}""");
        await session.SendTextAsync("""{"type":"keepalive"}""");
        await session.SendTextAsync("""{"type":"close_stream"}""");
        var messages = await Conversation.ReadToEndAsync(session);

        Assert.Empty(messages.OfType<ErrorMessage>());
        Assert.Equal("client_closed", Assert.IsType<ClosedMessage>(messages[^1]).Reason);
        Conversation.AssertGaplessSeq(messages);
        await fleet.AssertNothingLeakedAsync();
    }
}
