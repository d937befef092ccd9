using Microsoft.Extensions.DependencyInjection;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Grains.Delivery;

namespace OrleansStt.Gateway.Tests.Delivery;

[Collection(GatewayCollection.Name)]
public sealed class EdgeOutboxTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Publishers_of_edges_that_went_quiet_are_retired_and_come_back_when_needed()
    {
        var outbox = fixture.Gateway.Services.GetRequiredService<EdgeOutbox>();
        await RunSessionAsync();
        Assert.True(outbox.Publishers > 0);

        // Two sweeps with no output in between: the first sees the last posts, the second retires.
        await outbox.RetireIdlePublishersAsync();
        await outbox.RetireIdlePublishersAsync();
        Assert.Equal(0, outbox.Publishers);

        // An edge that speaks again gets a publisher again, and loses nothing.
        var messages = await RunSessionAsync();
        Conversation.AssertGaplessSeq(messages);
        Assert.IsType<ClosedMessage>(messages[^1]);
        Assert.True(outbox.Publishers > 0);
        await fixture.AssertNothingLeakedAsync();
    }

    private async Task<List<ServerMessage>> RunSessionAsync()
    {
        await using var session = await SttSession.ConnectAsync(new SttConnectOptions(fixture.Gateway.ListenUri));
        await Conversation.StreamAsync(session, Pcm.Tone(500, 400));
        await session.SendCloseStreamAsync();
        return await Conversation.ReadToEndAsync(session);
    }
}
