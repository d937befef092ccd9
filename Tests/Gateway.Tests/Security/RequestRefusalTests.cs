using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>
/// Issue findings 1 and 5, as the attack: requests no GPU server supports must not take servers out
/// of service, and query values must mean what they say.
/// </summary>
public sealed class RequestRefusalTests
{
    [Fact]
    public async Task An_encoding_nobody_supports_is_refused_at_the_edge_and_reaches_no_server()
    {
        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 4);

        var refused = await Assert.ThrowsAsync<SttRejectedException>(() =>
            SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri) { Encoding = "opus" }));

        Assert.Equal((400, "bad_request"), (refused.StatusCode, refused.Code));
        Assert.Contains("pcm_s16le", refused.Message);
        Assert.Equal(0, fleet.Servers.Sum(s => s.Stats.StreamsStarted));
        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task A_request_servers_refuse_ends_only_that_session_and_counts_against_no_server()
    {
        // The edge lets "opus" through (an operator listed it), every server refuses it: the poison
        // request of the finding, sent again and again, then an innocent session.
        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 4, new Dictionary<string, string?>
        {
            ["Stt:Edge:Encodings:0"] = "pcm_s16le",
            ["Stt:Edge:Encodings:1"] = "opus",
        });

        for (var i = 0; i < 6; i++)
        {
            await using var poison = await SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri) { Encoding = "opus", Resume = SttResumeOptions.Disabled });
            var messages = await Conversation.ReadToEndAsync(poison);
            var error = Assert.IsType<ErrorMessage>(messages[^1]);
            Assert.Equal("bad_request", error.Code);
            // Each server is asked once (a mixed fleet may have one that takes it), then the client is told.
            Assert.True(messages.Count(m => m is NoticeMessage { Code: "backend_switched" }) <= fleet.Servers.Count - 1);
        }

        foreach (var id in fleet.BackendIds)
        {
            Assert.Equal(BackendHealth.Healthy, (await fleet.StatusAsync(id)).Health);
        }

        await using var innocent = await fleet.OpenAsync();
        await Conversation.StreamAsync(innocent.Session, Pcm.Tone(500, 400));
        var innocentMessages = await innocent.CloseAsync();
        Assert.Empty(innocentMessages.OfType<ErrorMessage>());
        Assert.IsType<ClosedMessage>(innocentMessages[^1]);
        await fleet.AssertNothingLeakedAsync();
    }

    [Theory]
    [InlineData("language", "en\n")]
    [InlineData("translate", "ja\n")]
    [InlineData("encoding", "pcm_s16le\n")]
    public async Task A_value_with_a_trailing_newline_is_refused_with_400(string key, string value)
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4);
        var options = key switch
        {
            "language" => new SttConnectOptions(fleet.Gateway.ListenUri) { Language = value },
            "translate" => new SttConnectOptions(fleet.Gateway.ListenUri) { Translate = [value] },
            _ => new SttConnectOptions(fleet.Gateway.ListenUri) { Encoding = value },
        };

        var refused = await Assert.ThrowsAsync<SttRejectedException>(() => SttSession.ConnectAsync(options));

        Assert.Equal((400, "bad_request"), (refused.StatusCode, refused.Code));
        Assert.Contains(key, refused.Message);
        Assert.Equal(0, fleet.Servers.Sum(s => s.Stats.StreamsStarted));
        await fleet.AssertNothingLeakedAsync();
    }
}
