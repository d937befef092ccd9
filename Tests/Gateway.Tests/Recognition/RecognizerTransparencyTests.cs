using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.InferenceSim;
using Xunit.Abstractions;

namespace OrleansStt.Gateway.Tests.Recognition;

/// <summary>
/// A real recognizer behind the gateway: for synthetic speech, the words a client gets through the
/// whole gateway are the words the recognizer produces when spoken to directly. (PocketSphinx on
/// espeak-ng is not accurate, so the gateway is compared with the engine, not with the script.)
/// </summary>
public sealed class RecognizerTransparencyTests(ITestOutputHelper output)
{
    private const int FrameBytes = 640; // 20 ms at 16 kHz

    public static TheoryData<string> Phrases =>
    [
        "please turn on the kitchen lights and play some music",
        "what is the weather like in london tomorrow",
        "call my mother. then send a message to the office",
    ];

    [Theory]
    [MemberData(nameof(Phrases))]
    public async Task The_gateway_delivers_the_recognizers_own_words(string phrase)
    {
        var audio = await SyntheticSpeech.SayAsync(phrase);
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Sphinx, Capacity = 4 });
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Stt:Backends:0:Id"] = "cpu-1",
            ["Stt:Backends:0:Url"] = server.StreamUri.ToString(),
            ["Stt:Backends:0:Capacity"] = "4",
        });

        var direct = await EngineTranscript.FinalsAsync(server.StreamUri, audio, FrameBytes);
        await using var session = await SttSession.ConnectAsync(new SttConnectOptions(gateway.ListenUri));
        await Conversation.StreamAsync(session, audio, frameMs: FrameBytes / Pcm.BytesPerMs());
        await session.SendCloseStreamAsync();
        var messages = await Conversation.ReadToEndAsync(session);

        var throughGateway = messages.OfType<TranscriptMessage>().Where(t => t.IsFinal).Select(t => t.Text).ToList();
        output.WriteLine($"said: {phrase}\nengine: {string.Join(" | ", direct)}\ngateway: {string.Join(" | ", throughGateway)}");
        Assert.NotEmpty(direct);
        Assert.Equal(direct, throughGateway);
        Assert.IsType<ClosedMessage>(messages[^1]);
        Assert.Equal(0, await Eventually.Equal(0, () => gateway.ActiveLeasesAsync(["cpu-1"])));
    }

    [Fact]
    public async Task A_server_killed_mid_phrase_costs_no_words()
    {
        // One utterance: the replay to the next server starts where a fresh decoder starts too.
        var audio = await SyntheticSpeech.SayAsync("please turn on the kitchen lights and play some music");
        await using var reference = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Sphinx, Capacity = 1 });
        var direct = await EngineTranscript.FinalsAsync(reference.StreamUri, audio, FrameBytes);
        var servers = new[]
        {
            await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Sphinx, Capacity = 4 }),
            await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Sphinx, Capacity = 4 }),
        };
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Stt:Backends:0:Id"] = "cpu-1",
            ["Stt:Backends:0:Url"] = servers[0].StreamUri.ToString(),
            ["Stt:Backends:1:Id"] = "cpu-2",
            ["Stt:Backends:1:Url"] = servers[1].StreamUri.ToString(),
        });
        try
        {
            await using var session = await SttSession.ConnectAsync(new SttConnectOptions(gateway.ListenUri));
            await using var reader = Conversation.Reader(session);
            var opened = (SessionMessage)(await Conversation.ReadUntilAsync(reader, m => m is SessionMessage))[^1];
            var half = audio.Length / 2 / FrameBytes * FrameBytes;
            await Conversation.StreamAsync(session, audio[..half], frameMs: FrameBytes / Pcm.BytesPerMs());
            await Conversation.ReadUntilAsync(reader, m => m is TranscriptMessage);

            await servers[opened.Backend == "cpu-1" ? 0 : 1].DisposeAsync();
            await Conversation.StreamAsync(session, audio[half..], frameMs: FrameBytes / Pcm.BytesPerMs());
            await session.SendCloseStreamAsync();
            var rest = new List<ServerMessage>();
            while (await reader.MoveNextAsync())
            {
                rest.Add(reader.Current);
            }

            var throughGateway = rest.OfType<TranscriptMessage>().Where(t => t.IsFinal).Select(t => t.Text).ToList();
            output.WriteLine($"engine: {string.Join(" | ", direct)}\ngateway: {string.Join(" | ", throughGateway)}");
            Assert.Contains(rest, m => m is NoticeMessage { Code: "backend_switched" });
            Assert.Equal(direct, throughGateway);
            Assert.IsType<ClosedMessage>(rest[^1]);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
