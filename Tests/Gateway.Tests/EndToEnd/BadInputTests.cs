using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.EndToEnd;

/// <summary>Every kind of bad input gets its documented answer and leaves nothing behind.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BadInputTests(GatewayFixture fixture)
{
    private SttConnectOptions Options => new(fixture.Gateway.ListenUri);

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("""{"no_type":true}""")]
    public async Task Malformed_control_frame_gets_bad_request_and_the_session_goes_on(string frame)
    {
        await using var session = await SttSession.ConnectAsync(Options);
        await session.SendTextAsync(frame);
        await Conversation.StreamAsync(session, Pcm.Tone(500, 400));
        await session.SendCloseStreamAsync();

        var messages = await Conversation.ReadToEndAsync(session);

        Conversation.AssertGaplessSeq(messages);
        Assert.Equal("bad_request", Assert.Single(messages.OfType<ErrorMessage>()).Code);
        Assert.Equal("five five", messages.OfType<TranscriptMessage>().Single(t => t.IsFinal).Text);
        Assert.IsType<ClosedMessage>(messages[^1]);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        await fixture.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Oversize_audio_frame_gets_payload_too_large_and_close_1009()
    {
        await using var session = await SttSession.ConnectAsync(Options);
        await Conversation.StreamAsync(session, Pcm.Tone(500, 200));
        await session.SendAudioAsync(new byte[20_000]);

        var messages = await Conversation.ReadToEndAsync(session);

        Conversation.AssertGaplessSeq(messages);
        Assert.Equal("payload_too_large", Assert.IsType<ErrorMessage>(messages[^1]).Code);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, session.CloseStatus);
        await fixture.AssertNothingLeakedAsync();
    }

    [Theory]
    [InlineData("sample_rate", "abc")]
    [InlineData("sample_rate", "100")]
    [InlineData("language", "english!")]
    [InlineData("translate", "ja,,de")]
    [InlineData("encoding", "PCM S16")]
    [InlineData("session_id", "3f6c")]
    public async Task Invalid_query_is_refused_with_http_400_and_a_json_reason(string key, string value)
    {
        var activationsBefore = await fixture.Gateway.SessionActivationsAsync();

        var refused = await Assert.ThrowsAsync<SttRejectedException>(() =>
            SttSession.ConnectAsync(Options with { ExtraQuery = [new(key, value)] }));

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal("bad_request", refused.Code);
        Assert.Contains(key, refused.Message);
        Assert.Equal(activationsBefore, await fixture.Gateway.SessionActivationsAsync());
    }

    [Fact]
    public async Task Plain_http_request_is_refused_with_http_400_and_a_json_reason()
    {
        using var http = new HttpClient();
        var url = new UriBuilder(fixture.Gateway.ListenUri) { Scheme = "http" }.Uri;

        using var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        Assert.Equal("bad_request", body!["code"]);
    }

    [Fact]
    public async Task Client_vanishing_without_a_close_frame_keeps_the_session_for_its_grace_period_then_releases_everything()
    {
        var session = await SttSession.ConnectAsync(Options with { Resume = SttResumeOptions.Disabled });
        await Conversation.StreamAsync(session, Pcm.Tone(500, 400));
        Assert.Equal(1, await Eventually.Equal(1, () => fixture.Gateway.ActiveLeasesAsync(fixture.BackendIds)));
        var vanished = DateTime.UtcNow;

        session.Abort();
        await session.DisposeAsync();

        // The session waits for a resume with its GPU stream, then lets go of everything.
        Assert.Equal(1, await fixture.Gateway.ActiveLeasesAsync(fixture.BackendIds));
        Assert.Equal(1, await fixture.Gateway.SessionActivationsAsync());
        Assert.True(DateTime.UtcNow - vanished < GatewayFixture.GracePeriod, "The checks above took longer than the grace period.");
        await fixture.AssertNothingLeakedAsync();
    }
}
