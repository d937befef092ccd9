using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>What a tracing backend would receive from the gateway's own spans when a GPU server fails under a session.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_gpu_failover_is_a_span_naming_the_session_and_both_servers()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SttActivities.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 4);
        await using var session = await fleet.OpenAsync();
        await Conversation.StreamAsync(session.Session, Pcm.Tone(500, 600));
        await session.ReadUntilAsync(m => m is TranscriptMessage);
        fleet.Server(session.Backend).Faults.FailStreams("injected by the test");
        await Conversation.StreamAsync(session.Session, Pcm.Tone(500, 400));
        var messages = await session.CloseAsync();

        Assert.Single(messages.OfType<NoticeMessage>(), n => n.Code == "backend_switched");
        var span = Assert.Single(spans, s => s.OperationName == "stt.gpu.move");
        Assert.Equal(((SessionMessage)messages[0]).SessionId, span.GetTagItem(SttActivities.SessionId));
        Assert.Equal(session.Backend, span.GetTagItem("stt.gpu.from"));
        Assert.Equal(Assert.Single(fleet.BackendIds, id => id != session.Backend), span.GetTagItem("stt.gpu.to"));
        await fleet.AssertNothingLeakedAsync();
    }
}
