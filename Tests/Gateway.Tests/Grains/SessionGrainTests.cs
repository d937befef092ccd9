using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Grains.Interfaces.Sessions;

namespace OrleansStt.Gateway.Tests.Grains;

[Collection(GatewayCollection.Name)]
public sealed class SessionGrainTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Calls_for_a_session_the_cluster_no_longer_holds_fail_instead_of_hanging()
    {
        var lost = fixture.Gateway.Cluster.GetGrain<ISessionGrain>($"lost-{Guid.NewGuid():N}");

        await Assert.ThrowsAsync<SessionLostException>(() => lost.SendAudio(new AudioChunk(new byte[320], Link: 1)));
        await Assert.ThrowsAsync<SessionLostException>(() => lost.CloseStream(link: 1));

        await fixture.AssertNothingLeakedAsync();
    }
}
