using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Sessions;

namespace OrleansStt.Gateway.Tests.Sessions;

public sealed class SessionLogTests
{
    [Fact]
    public void Messages_get_gapless_seq_and_keep_their_close_status()
    {
        var log = new SessionLog(maxMessages: 16, maxBytes: 64 * 1024);

        var first = log.Append(new NoticeMessage("a", "x"), closeStatus: null);
        var last = log.Append(new ClosedMessage(CloseReasons.ClientClosed), CloseStatus.Normal);

        Assert.Equal((1L, 2L), (first.Message.Seq, last.Message.Seq));
        Assert.Equal(CloseStatus.Normal, log.After(1).Single().CloseStatus);
    }

    [Fact]
    public void It_holds_what_a_resume_or_a_resend_after_a_seq_needs_and_refuses_the_rest()
    {
        var log = new SessionLog(maxMessages: 16, maxBytes: 64 * 1024);
        for (var i = 0; i < 40; i++)
        {
            log.Append(new NoticeMessage("n", $"{i}"), closeStatus: null);
        }

        // 16 kept: seq 25..40.
        Assert.Equal(16, log.Count);
        Assert.True(log.HoldsAfter(24));
        Assert.True(log.HoldsAfter(40));
        Assert.False(log.HoldsAfter(23));
        Assert.False(log.HoldsAfter(41));
        Assert.False(log.HoldsAfter(-1));
        Assert.Equal(Enumerable.Range(31, 10).Select(i => (long)i), log.After(30).Select(m => m.Message.Seq));
    }

    [Fact]
    public void The_byte_cap_drops_the_oldest_but_never_the_last_message()
    {
        var log = new SessionLog(maxMessages: 1000, maxBytes: 4096);
        for (var i = 0; i < 10; i++)
        {
            log.Append(new TranscriptMessage(false, "en", new string('x', 1000), 0, i), closeStatus: null);
        }

        Assert.InRange(log.Count, 1, 4);
        Assert.True(log.HoldsAfter(9));
        log.Append(new TranscriptMessage(true, "en", new string('x', 10_000), 0, 10), closeStatus: null);
        Assert.Equal(11, Assert.Single(log.After(0)).Message.Seq);
    }

    [Fact]
    public void A_restored_log_goes_on_from_the_seq_it_was_given()
    {
        var log = new SessionLog(maxMessages: 16, maxBytes: 64 * 1024);

        log.Restore(41, []);

        Assert.True(log.HoldsAfter(41));
        Assert.False(log.HoldsAfter(40));
        Assert.Equal(42, log.Append(new NoticeMessage("n", "m"), closeStatus: null).Message.Seq);
    }
}
