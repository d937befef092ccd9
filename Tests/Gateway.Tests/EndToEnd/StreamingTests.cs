using System.Net.WebSockets;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.EndToEnd;

/// <summary>The whole path through a real Kestrel edge, session grains and real simulated GPU servers.</summary>
[Collection(GatewayCollection.Name)]
public sealed class StreamingTests(GatewayFixture fixture)
{
    private SttConnectOptions Options(params string[] translate) => new(fixture.Gateway.ListenUri) { Translate = translate };

    [Fact]
    public async Task Client_gets_session_partials_finals_translations_and_closed_in_gapless_order()
    {
        await using var session = await SttSession.ConnectAsync(Options("ja", "de"));
        await Conversation.StreamAsync(session, [.. Pcm.Tone(500, 1000), .. Pcm.Silence(400), .. Pcm.Tone(300, 600)]);
        await session.SendCloseStreamAsync();

        var messages = await Conversation.ReadToEndAsync(session);

        Conversation.AssertGaplessSeq(messages);
        var opened = Assert.IsType<SessionMessage>(messages[0]);
        Assert.Contains(opened.Backend, fixture.BackendIds);
        Assert.False(string.IsNullOrEmpty(opened.SessionId));
        Assert.False(string.IsNullOrEmpty(opened.ResumeToken));

        var transcripts = messages.OfType<TranscriptMessage>().ToList();
        Assert.Equal(["five", "five five", "five five five", "five five five five", "five five five five five"],
            transcripts.Where(t => !t.IsFinal).Take(5).Select(t => t.Text));
        Assert.Equal(["five five five five five", "three three three"], transcripts.Where(t => t.IsFinal).Select(t => t.Text));
        Assert.All(transcripts, t => Assert.Equal("en", t.Language));
        var firstFinal = transcripts.First(t => t.IsFinal);
        Assert.Equal((0L, 1000L), (firstFinal.StartMs, firstFinal.EndMs));

        // Every partial is translated too, into each language, right after it.
        var partialTranslations = messages.OfType<TranslationMessage>().Where(t => !t.IsFinal).ToList();
        Assert.Equal(2 * transcripts.Count(t => !t.IsFinal), partialTranslations.Count);
        Assert.Equal("[ja] five", partialTranslations[0].Text);
        Assert.All(messages.OfType<TranslationMessage>(), t => Assert.True(t.Simulated, "A simulated translation must say so."));
        Assert.Equal("[de] five", partialTranslations[1].Text);

        var finalTranslations = messages.OfType<TranslationMessage>().Where(t => t.IsFinal).ToList();
        Assert.Equal(
            ["[ja] five five five five five", "[de] five five five five five", "[ja] three three three", "[de] three three three"],
            finalTranslations.Select(t => t.Text));
        Assert.All(finalTranslations, t => Assert.Equal("en", t.SourceLanguage));

        // The last final is flushed by close_stream, before closed.
        var closed = Assert.IsType<ClosedMessage>(messages[^1]);
        Assert.Equal("client_closed", closed.Reason);
        Assert.Equal("[de] three three three", ((TranslationMessage)messages[^2]).Text);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        await fixture.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Finalize_produces_a_final_for_buffered_audio_while_the_session_goes_on()
    {
        await using var session = await SttSession.ConnectAsync(Options());
        await using var reader = Conversation.Reader(session);
        await Conversation.StreamAsync(session, Pcm.Tone(500, 600));
        await session.SendFinalizeAsync();

        var untilFinal = await Conversation.ReadUntilAsync(reader, m => m is TranscriptMessage { IsFinal: true });
        Assert.Equal("five five five", ((TranscriptMessage)untilFinal[^1]).Text);

        await Conversation.StreamAsync(session, Pcm.Tone(300, 400));
        await session.SendCloseStreamAsync();
        var rest = await Conversation.ReadUntilAsync(reader, m => m is ClosedMessage);
        Assert.Equal("three three", rest.OfType<TranscriptMessage>().Single(t => t.IsFinal).Text);
        Conversation.AssertGaplessSeq([.. untilFinal, .. rest]);
        await fixture.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Keepalive_and_unknown_types_are_accepted_without_a_reply()
    {
        await using var session = await SttSession.ConnectAsync(Options());
        await session.SendKeepaliveAsync();
        await session.SendTextAsync("""{"type":"something_new","extra":1}""");
        await Conversation.StreamAsync(session, Pcm.Tone(500, 200));
        await session.SendCloseStreamAsync();

        var messages = await Conversation.ReadToEndAsync(session);

        Conversation.AssertGaplessSeq(messages);
        Assert.Empty(messages.OfType<ErrorMessage>());
        Assert.Equal("five", messages.OfType<TranscriptMessage>().Single(t => t.IsFinal).Text);
        Assert.IsType<ClosedMessage>(messages[^1]);
        await fixture.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Many_concurrent_sessions_each_get_their_own_results()
    {
        const int sessions = 60;
        var results = await Task.WhenAll(Enumerable.Range(0, sessions).Select(async i =>
        {
            // Each session speaks a different word count, so crossed streams would show.
            var words = 1 + (i % 5);
            await using var session = await SttSession.ConnectAsync(Options("ja"));
            await Conversation.StreamAsync(session, Pcm.Tone(700, words * 200));
            await session.SendCloseStreamAsync();
            return (words, messages: await Conversation.ReadToEndAsync(session));
        }));

        foreach (var (words, messages) in results)
        {
            Conversation.AssertGaplessSeq(messages);
            var expected = string.Join(' ', Enumerable.Repeat("seven", words));
            Assert.Equal(expected, messages.OfType<TranscriptMessage>().Single(t => t.IsFinal).Text);
            Assert.Equal($"[ja] {expected}", messages.OfType<TranslationMessage>().Single(t => t.IsFinal).Text);
            Assert.IsType<ClosedMessage>(messages[^1]);
        }

        await fixture.AssertNothingLeakedAsync();
    }
}
