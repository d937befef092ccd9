using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansStt.Client;
using OrleansStt.EdgeHost.Admission;
using OrleansStt.EdgeHost.Listen;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.InferenceSim;

namespace OrleansStt.Gateway.Tests.Admission;

/// <summary>
/// An edge past what it serves on time refuses new sessions at once, with 503 capacity_exhausted and
/// Retry-After, and keeps every session it holds: they stream on, and one that lost its socket resumes.
/// The judgement itself is LoadSignalsTests'; here the edge is made to judge itself overloaded.
/// </summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private SimulatorServer _server = null!;
    private GatewayHost _gateway = null!;

    private LoadSignals Signals => _gateway.Services.GetRequiredService<LoadSignals>();

    public async Task InitializeAsync()
    {
        _server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Speech, Capacity = 8 });
        _gateway = await GatewayHost.StartAsync(
            new Dictionary<string, string?>
            {
                [GatewayHost.AdmissionEnabled] = "true",
                ["Stt:Edge:Admission:HoldFor"] = "01:00:00",
                // The edge's own probes stay out of the way: this test decides when it is overloaded.
                ["Stt:Edge:Admission:ProbeInterval"] = "01:00:00",
                ["Stt:Edge:Admission:Window"] = "01:00:00",
                ["Stt:Edge:Admission:DeliveryLatencyLimit"] = "01:00:00",
                ["Stt:Backends:0:Id"] = "gpu-1",
                ["Stt:Backends:0:Url"] = _server.StreamUri.ToString(),
                ["Stt:Backends:0:Capacity"] = "8",
            },
            services: services => services.AddSingleton(provider => new LoadSignals(provider.GetRequiredService<IOptions<AdmissionOptions>>(), _time)));
    }

    [Fact]
    public async Task An_overloaded_edge_refuses_new_sessions_quickly_and_keeps_and_resumes_the_ones_it_holds()
    {
        var options = new SttConnectOptions(_gateway.ListenUri) { Resume = SttResumeOptions.Disabled };
        var audio = Pcm.SpeechPattern(2000);
        var half = audio.Length / 2 / 640 * 640;
        await using var held = await SttSession.ConnectAsync(options);
        var heldReader = Conversation.Reader(held);
        var heard = await Conversation.ReadUntilAsync(heldReader, m => m is SessionMessage);
        var broken = await SttSession.ConnectAsync(options);
        var brokenReader = Conversation.Reader(broken);
        var brokenSeen = await Conversation.ReadUntilAsync(brokenReader, m => m is SessionMessage);

        Overload();

        var refused = await Assert.ThrowsAsync<SttRejectedException>(() => SttSession.ConnectAsync(options));
        Assert.Equal((503, "capacity_exhausted"), (refused.StatusCode, refused.Code));
        Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        Assert.Contains("at capacity", refused.Message);
        Assert.Equal(2, _gateway.Services.GetRequiredService<SessionSlots>().Taken);
        Assert.Equal(2, await _gateway.SessionActivationsAsync());

        // A session it holds loses its socket while the edge is overloaded, and comes back.
        broken.Abort();
        await broken.DisposeAsync();
        var session = (SessionMessage)brokenSeen[0];
        await using var resumed = await SttSession.ConnectAsync(options with { SessionId = session.SessionId, ResumeToken = session.ResumeToken, LastSeq = brokenSeen[^1].Seq });
        var resumedReader = Conversation.Reader(resumed);
        await Conversation.ReadUntilAsync(resumedReader, m => m is NoticeMessage { Code: NoticeMessage.Resumed });

        // The held sessions stream to their end, with every final and no error.
        foreach (var (client, reader, seen) in new[] { (held, heldReader, heard), (resumed, resumedReader, new List<ServerMessage>()) })
        {
            await Conversation.StreamAsync(client, audio[..half], frameMs: 20);
            await client.SendCloseStreamAsync();
            while (await reader.MoveNextAsync())
            {
                seen.Add(reader.Current);
            }

            Assert.Empty(seen.OfType<ErrorMessage>());
            Assert.Contains(seen.OfType<TranscriptMessage>(), t => t.IsFinal);
            Assert.Equal("client_closed", Assert.IsType<ClosedMessage>(seen[^1]).Reason);
        }

        // After the hold, a new session is taken again.
        _time.Advance(TimeSpan.FromHours(1));
        await using var later = await SttSession.ConnectAsync(options);
        await Conversation.ReadUntilAsync(Conversation.Reader(later), m => m is SessionMessage);
    }

    private void Overload()
    {
        for (var i = 0; i < 10; i++)
        {
            Signals.RecordDispatchLag(TimeSpan.FromSeconds(1));
        }

        Signals.EndWindow(sessionsHeld: 2);
        Assert.True(Signals.IsOverloaded);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _server.DisposeAsync();
    }
}
