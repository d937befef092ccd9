using System.Threading.Channels;
using Orleans.Streams;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Grains.Interfaces.Delivery;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Interfaces.Sessions;

namespace OrleansStt.Gateway.Tests.Grains;

[Collection(GatewayCollection.Name)]
public sealed class SessionGrainTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Calls_for_a_session_the_cluster_no_longer_holds_fail_instead_of_hanging()
    {
        var lost = fixture.Gateway.Cluster.GetGrain<ISessionGrain>($"lost-{Guid.NewGuid():N}");

        await Assert.ThrowsAsync<SessionLostException>(() => lost.SendAudio(new AudioChunk(new byte[320], Link: 1, Offset: 0)));
        await Assert.ThrowsAsync<SessionLostException>(() => lost.CloseStream(link: 1));

        await fixture.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task A_session_that_ended_while_its_edge_took_it_for_lost_still_sends_its_socket_closed()
    {
        // What an edge in a cluster does when close_stream's answer comes later than its call
        // timeout: it gives up the link and asks the session to recover under a new one. By then
        // the session has ended and its `closed` went out under the old link.
        var (edge, session, opened) = await OpenOnLinkOneAsync("late-close");
        Assert.True(await session.CloseStream(link: 1));
        var closed = await edge.NextAsync();
        Assert.IsType<ClosedMessage>(closed.Message);

        var outcome = await session.Recover(new SessionRecovery(
            Request, edge.Link(2), opened.ResumeToken, DeliveredSeq: opened.Seq, DeliveredEndMs: 0, DeliveredFinalEndMs: -1,
            AudioFrames: 0, ReplayStartBytes: 0, Replay: [], Closing: true, PreviousLinks: [1]));

        Assert.Equal(RecoveryOutcome.Alive, outcome);
        var again = await edge.NextAsync();
        Assert.Equal((2L, closed.Message!.Seq, closed.CloseStatus), (again.Link, again.Message!.Seq, again.CloseStatus));
        Assert.IsType<ClosedMessage>(again.Message);

        await session.Detach(link: 2);
        await edge.DisposeAsync();
        await fixture.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task An_ended_session_another_socket_took_over_tells_an_edge_asking_for_the_old_one_that_it_is_gone()
    {
        var (edge, session, opened) = await OpenOnLinkOneAsync("taken-over");
        Assert.NotNull(await session.Resume(opened.ResumeToken, opened.Seq, edge.Link(2)));
        Assert.True(await session.CloseStream(link: 2));

        var outcome = await session.Recover(new SessionRecovery(
            Request, edge.Link(3), opened.ResumeToken, DeliveredSeq: opened.Seq, DeliveredEndMs: 0, DeliveredFinalEndMs: -1,
            AudioFrames: 0, ReplayStartBytes: 0, Replay: [], Closing: false, PreviousLinks: [1]));

        Assert.Equal(RecoveryOutcome.Gone, outcome);
        await session.Detach(link: 2);
        await edge.DisposeAsync();
        await fixture.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Audio_pushed_out_of_order_reaches_the_session_in_order_and_repeats_are_dropped()
    {
        var (edge, session, opened) = await OpenOnLinkOneAsync("reordered");

        await session.PushAudio(Frame(1, link: 1));
        await session.PushAudio(Frame(2, link: 1));
        Assert.Equal(0, await session.AudioTaken(link: 1));
        await session.PushAudio(Frame(0, link: 1));
        await session.PushAudio(Frame(1, link: 1));
        Assert.True(await session.SendAudio(Frame(3, link: 1)));

        Assert.Equal(4 * FrameBytes, await session.AudioTaken(link: 1));
        Assert.Equal(-1, await session.AudioTaken(link: 7));
        var resumed = await session.Resume(opened.ResumeToken, opened.Seq, edge.Link(2));
        Assert.NotNull(resumed);
        Assert.Equal(4, resumed.AudioFrames);
        Assert.Equal(Frames(0, 4), resumed.Replay);

        Assert.True(await session.CloseStream(link: 2));
        await session.Detach(link: 2);
        await edge.DisposeAsync();
        await fixture.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task Audio_lost_on_its_way_sends_the_edge_to_relink_and_its_copy_fills_the_hole()
    {
        var (edge, session, opened) = await OpenOnLinkOneAsync("hole");

        // Frame 0 never arrives. At the first answer after it the hole may be a late frame; still
        // there at the next, it was lost.
        await session.PushAudio(Frame(1, link: 1));
        Assert.True(await session.SendAudio(Frame(2, link: 1)));
        Assert.False(await session.SendAudio(Frame(3, link: 1)));
        Assert.Equal(0, await session.AudioTaken(link: 1));

        var outcome = await session.Recover(new SessionRecovery(
            Request, edge.Link(2), opened.ResumeToken, DeliveredSeq: opened.Seq, DeliveredEndMs: 0, DeliveredFinalEndMs: -1,
            AudioFrames: 4, ReplayStartBytes: 0, Replay: Frames(0, 4), Closing: false, PreviousLinks: [1]));

        Assert.Equal(RecoveryOutcome.Alive, outcome);
        Assert.Equal(4 * FrameBytes, await session.AudioTaken(link: 2));
        Assert.True(await session.SendAudio(Frame(4, link: 2)));
        var resumed = await session.Resume(opened.ResumeToken, opened.Seq, edge.Link(3));
        Assert.NotNull(resumed);
        Assert.Equal(Frames(0, 5), resumed.Replay);

        Assert.True(await session.CloseStream(link: 3));
        await session.Detach(link: 3);
        await edge.DisposeAsync();
        await fixture.AssertNothingLeakedAsync();
    }

    private static readonly SessionRequest Request = new("en", [], 16_000, "pcm_s16le");

    private const int FrameBytes = 640;

    /// <summary>A new session opened under link 1 of a new edge that listens on its delivery stream, and its <c>session</c> message.</summary>
    private async Task<(DeliveryTap Edge, ISessionGrain Session, SessionMessage Opened)> OpenOnLinkOneAsync(string name)
    {
        var edge = new DeliveryTap(fixture.Gateway.Cluster, $"edge-{Guid.NewGuid():N}");
        await edge.StartAsync();
        var session = fixture.Gateway.Cluster.GetGrain<ISessionGrain>($"{name}-{Guid.NewGuid():N}");
        Assert.Equal(OpenOutcome.Opened, await session.Open(Request, edge.Link(1)));
        var opened = Assert.IsType<SessionMessage>((await edge.NextAsync()).Message);
        return (edge, session, opened);
    }

    /// <summary>Frame <paramref name="index"/> of a session: quiet samples of value index + 1, so that frames differ and no final trims the replay.</summary>
    private static AudioChunk Frame(int index, long link) => new(Frames(index, index + 1), link, index * FrameBytes);

    private static byte[] Frames(int from, int to)
    {
        var audio = new byte[(to - from) * FrameBytes];
        for (var i = 0; i < audio.Length; i += 2)
        {
            audio[i] = (byte)(from + (i / FrameBytes) + 1);
        }

        return audio;
    }

    /// <summary>Listens on an edge's one delivery stream, as an edge's router does, and hands over what arrives in order.</summary>
    private sealed class DeliveryTap(IClusterClient cluster, string edgeId) : IAsyncObserver<OutputBatch>, IAsyncDisposable
    {
        private readonly Channel<SessionOutput> _outputs = Channel.CreateUnbounded<SessionOutput>();
        private StreamSubscriptionHandle<OutputBatch>? _subscription;

        public EdgeLink Link(long id) => new(edgeId, DeliveryStreams: 1, id);

        public async Task StartAsync() =>
            _subscription = await cluster.GetStreamProvider(DeliveryStreams.ProviderName)
                .GetStream<OutputBatch>(DeliveryStreams.ForEdge(edgeId, 0)).SubscribeAsync(this);

        public async Task<SessionOutput> NextAsync()
        {
            using var within = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            return await _outputs.Reader.ReadAsync(within.Token);
        }

        public Task OnNextAsync(OutputBatch batch, StreamSequenceToken? token = null)
        {
            foreach (var output in batch.Items)
            {
                _outputs.Writer.TryWrite(output);
            }

            return Task.CompletedTask;
        }

        public Task OnCompletedAsync() => Task.CompletedTask;

        public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            if (_subscription is not null)
            {
                await _subscription.UnsubscribeAsync();
            }
        }
    }
}
