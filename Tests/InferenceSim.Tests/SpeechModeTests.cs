namespace OrleansStt.InferenceSim.Tests;

public sealed class SpeechModeTests
{
    private static SimulatorOptions SpeechOptions => new() { Mode = SimulatorMode.Speech };

    [Fact]
    public async Task Tones_become_number_words_with_partials_finals_and_translations_in_order()
    {
        await using var server = await SimulatorServer.StartAsync(SpeechOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        string[] languages = ["ja", "de"];
        await client.StartAsync(translate: languages);

        var audio = Pcm.Concat(Pcm.Tone(500, 1_000), Pcm.Silence(400), Pcm.Tone(300, 600));
        // An odd frame size splits samples and windows across frames.
        await client.SendAudioAsync(audio, frameBytes: 1_001);
        await client.SendTextAsync("""{"type":"stop"}""");

        string[] five = ["five", "five five", "five five five", "five five five five", "five five five five five"];
        string[] three = ["three", "three three", "three three three"];
        var expected = new List<string>();
        for (var i = 0; i < five.Length; i++)
        {
            expected.AddRange(Result("partial", five[i], 0, (i + 1) * 200, languages));
        }

        // 300 ms of silence after the last voiced window (ending at 1000) closes the first utterance.
        expected.AddRange(Result("final", five[^1], 0, 1_000, languages));
        for (var i = 0; i < three.Length; i++)
        {
            expected.AddRange(Result("partial", three[i], 1_400, 1_400 + ((i + 1) * 200), languages));
        }

        expected.AddRange(Result("final", three[^1], 1_400, 2_000, languages));
        expected.Add("stopped");

        Assert.Equal(expected, Describe.Messages(await client.ReceiveThroughAsync("stopped")));
        Assert.Equal(0, server.Stats.ActiveStreams);
    }

    [Fact]
    public async Task Finalize_ends_the_utterance_at_its_last_voiced_window_and_stop_flushes_the_next_one()
    {
        await using var server = await SimulatorServer.StartAsync(SpeechOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync();

        await client.SendAudioAsync(Pcm.Tone(500, 500), frameBytes: 640);
        await client.SendTextAsync("""{"type":"finalize"}""");
        await client.SendAudioAsync(Pcm.Tone(300, 400), frameBytes: 640);
        await client.SendTextAsync("""{"type":"stop"}""");

        Assert.Equal(
            [
                "partial 'five' 0-200", "partial 'five five' 0-400", "final 'five five' 0-500",
                "partial 'three' 500-700", "partial 'three three' 500-900", "final 'three three' 500-900",
                "stopped",
            ],
            Describe.Messages(await client.ReceiveThroughAsync("stopped")));
    }

    [Fact]
    public async Task Voiced_audio_shorter_than_a_word_produces_nothing()
    {
        await using var server = await SimulatorServer.StartAsync(SpeechOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync(translate: ["ja"]);

        await client.SendAudioAsync(Pcm.Concat(Pcm.Tone(500, 180), Pcm.Silence(400), Pcm.Tone(500, 100)), frameBytes: 3_200);
        await client.SendTextAsync("""{"type":"finalize"}""");
        await client.SendTextAsync("""{"type":"stop"}""");

        Assert.Equal(["stopped"], Describe.Messages(await client.ReceiveThroughAsync("stopped")));
    }

    [Fact]
    public async Task Pitch_picks_the_word_and_quiet_audio_is_silence()
    {
        await using var server = await SimulatorServer.StartAsync(SpeechOptions);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync(sampleRate: 8_000);

        // RMS of a sine is amplitude/√2: 600 → 424, below the default VoicedRms of 500.
        var audio = Pcm.Concat(
            Pcm.Tone(1_200, 200, 8_000),
            Pcm.Tone(100, 200, 8_000),
            Pcm.Tone(500, 400, 8_000, amplitude: 600),
            Pcm.Tone(2_500, 200, 8_000));
        await client.SendAudioAsync(audio, frameBytes: 777);
        await client.SendTextAsync("""{"type":"stop"}""");

        Assert.Equal(
            [
                "partial 'twelve' 0-200", "partial 'twelve one' 0-400", "final 'twelve one' 0-400",
                "partial 'fifteen' 800-1000", "final 'fifteen' 800-1000", "stopped",
            ],
            Describe.Messages(await client.ReceiveThroughAsync("stopped")));
    }

    private static IEnumerable<string> Result(string kind, string text, int startMs, int endMs, string[] languages)
    {
        yield return $"{kind} '{text}' {startMs}-{endMs}";
        foreach (var language in languages)
        {
            yield return $"translation {language} final={kind == "final"} '[{language}] {text}' {startMs}-{endMs}";
        }
    }
}
