using OrleansStt.Grains.Backends.Messages;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Sessions;

namespace OrleansStt.Gateway.Tests.Sessions;

public sealed class ResultTimelineTests
{
    [Fact]
    public void Results_of_a_new_stream_are_shifted_to_where_its_replay_starts()
    {
        var timeline = new ResultTimeline("en");
        Assert.NotNull(timeline.ToClient(new FinalResult("one", 0, 1000)));

        timeline.StartStreamAt(1000);

        var partial = Assert.IsType<TranscriptMessage>(timeline.ToClient(new PartialResult("two", 0, 400)));
        Assert.Equal((1000L, 1400L, "en"), (partial.StartMs, partial.EndMs, partial.Language));
    }

    [Fact]
    public void After_a_move_partials_for_audio_the_client_has_results_for_are_not_sent_again()
    {
        var timeline = new ResultTimeline("en");
        timeline.ToClient(new PartialResult("a", 0, 600));
        timeline.ToClient(new TranslationResult("ja", false, "a", 0, 600));

        // The new server replays from 0 and repeats partials up to 600 ms, then goes further.
        timeline.StartStreamAt(0);

        Assert.Null(timeline.ToClient(new PartialResult("a", 0, 400)));
        Assert.Null(timeline.ToClient(new PartialResult("a", 0, 600)));
        Assert.Null(timeline.ToClient(new TranslationResult("ja", false, "a", 0, 600)));
        Assert.NotNull(timeline.ToClient(new PartialResult("ab", 0, 800)));
        Assert.NotNull(timeline.ToClient(new TranslationResult("ja", true, "ab", 0, 800)));
    }

    [Fact]
    public void A_final_that_accounts_for_no_new_audio_is_not_sent_twice()
    {
        var timeline = new ResultTimeline("en");
        Assert.NotNull(timeline.ToClient(new FinalResult("one", 0, 1000)));

        // Asked to stop after a move with nothing left to replay, a server says its last final again.
        timeline.StartStreamAt(1000);
        Assert.Null(timeline.ToClient(new FinalResult("", 0, 0)));
        Assert.NotNull(timeline.ToClient(new FinalResult("two", 0, 500)));
    }

    [Fact]
    public void A_translation_final_the_client_had_before_a_move_is_not_sent_again_but_new_ones_are()
    {
        var timeline = new ResultTimeline("en");
        timeline.ToClient(new FinalResult("one", 0, 1000));
        Assert.NotNull(timeline.ToClient(new TranslationResult("ja", true, "ichi", 0, 1000)));

        timeline.StartStreamAt(1000);

        Assert.Null(timeline.ToClient(new TranslationResult("ja", true, "ichi", 0, 0)));
        Assert.NotNull(timeline.ToClient(new FinalResult("two", 0, 500)));
        Assert.NotNull(timeline.ToClient(new TranslationResult("ja", true, "ni", 0, 500)));
    }

    [Fact]
    public void A_rebuilt_timeline_goes_on_from_what_the_client_received()
    {
        var timeline = new ResultTimeline("en");
        timeline.Restore(coveredMs: 1500, finalEndMs: 1000);
        timeline.StartStreamAt(1000);

        Assert.Null(timeline.ToClient(new PartialResult("x", 0, 500)));
        Assert.Null(timeline.ToClient(new FinalResult("x", 0, 0)));
        var final = Assert.IsType<TranscriptMessage>(timeline.ToClient(new FinalResult("x", 0, 700)));
        Assert.Equal(1700, final.EndMs);
    }

    [Fact]
    public void Unknown_and_control_messages_are_not_results()
    {
        var timeline = new ResultTimeline("en");

        Assert.Null(timeline.ToClient(new BackendMessage()));
        Assert.Null(timeline.ToClient(new StreamStopped()));
        Assert.Null(timeline.ToClient(new ServerError("x")));
    }
}
