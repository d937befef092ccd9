using System.Net;

namespace OrleansStt.InferenceSim.Tests;

/// <summary>
/// <c>Simulator:Languages</c> and <c>Simulator:TranslationLanguages</c>: advertised on <c>/health</c>, and a
/// <c>start</c> outside them refused as <c>bad_request</c> on a connection that stays usable.
/// </summary>
public sealed class CapabilityTests
{
    private static SimulatorOptions Restricted => new()
    {
        Mode = SimulatorMode.Echo,
        Languages = { "en", "pt-BR" },
        TranslationLanguages = { "ja", "de" },
    };

    [Fact]
    public async Task An_unsupported_encoding_is_a_bad_request_and_the_connection_takes_the_next_start()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo });
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.SendTextAsync("""{"type":"start","language":"en","encoding":"opus"}""");

        Assert.Equal("error bad_request: unsupported encoding 'opus'; only pcm_s16le is supported", Describe.Message(await client.ReceiveAsync()));
        Assert.Equal(0, server.Stats.StreamsStarted);
        Assert.Equal(0, server.Stats.StreamsRefused);
        await AssertStreamWorksAsync(client);
    }

    [Fact]
    public async Task A_bad_request_puts_the_code_between_type_and_message_on_the_wire()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo });
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.SendTextAsync("""{"type":"start","sample_rate":1000}""");

        Assert.Equal(
            """{"type":"error","code":"bad_request","message":"sample_rate must be between 8000 and 192000 (got 1000)"}""",
            (await client.ReceiveAsync()).GetRawText());
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("pt")]
    [InlineData("en-GB")]
    public async Task A_language_outside_the_configured_list_is_a_bad_request(string language)
    {
        await using var server = await SimulatorServer.StartAsync(Restricted);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.StartAsync(language: language);

        Assert.Equal(
            $"error bad_request: unsupported language '{language}'; this server recognises en, pt-BR",
            Describe.Message(await client.ReceiveAsync()));
        Assert.Equal(0, server.Stats.StreamsStarted);
        await AssertStreamWorksAsync(client);
    }

    [Fact]
    public async Task A_start_without_a_language_is_a_bad_request_once_languages_are_configured()
    {
        await using var server = await SimulatorServer.StartAsync(Restricted);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.SendTextAsync("""{"type":"start","sample_rate":16000}""");

        Assert.Equal("error bad_request: language is required; this server recognises en, pt-BR", Describe.Message(await client.ReceiveAsync()));
        await AssertStreamWorksAsync(client);
    }

    [Fact]
    public async Task A_translation_target_outside_the_configured_list_is_a_bad_request()
    {
        await using var server = await SimulatorServer.StartAsync(Restricted);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.StartAsync(translate: ["ja", "ko"]);

        Assert.Equal(
            "error bad_request: unsupported translation language 'ko'; this server translates into ja, de",
            Describe.Message(await client.ReceiveAsync()));
        Assert.Equal(0, server.Stats.StreamsStarted);
        await AssertStreamWorksAsync(client);
    }

    [Fact]
    public async Task Configured_tags_match_case_insensitively_and_translations_keep_the_requested_spelling()
    {
        var options = new SimulatorOptions { Languages = { "en", "pt-BR" }, TranslationLanguages = { "ja", "zh-Hant" } };
        await using var server = await SimulatorServer.StartAsync(options);
        await using var client = await SimClient.ConnectAsync(server.StreamUri);

        await client.StartAsync(translate: ["JA", "zh-hant"], language: "PT-br");
        await client.SendAudioAsync(Pcm.Tone(500, 200), frameBytes: 3_200);
        await client.SendTextAsync("""{"type":"stop"}""");

        Assert.Equal(
            [
                "partial 'five' 0-200",
                "translation JA final=False '[JA] five' 0-200",
                "translation zh-hant final=False '[zh-hant] five' 0-200",
                "final 'five' 0-200",
                "translation JA final=True '[JA] five' 0-200",
                "translation zh-hant final=True '[zh-hant] five' 0-200",
                "stopped",
            ],
            Describe.Messages(await client.ReceiveThroughAsync("stopped")));
    }

    [Fact]
    public async Task Health_lists_the_encoding_always_and_each_language_list_only_when_configured()
    {
        Assert.Equal(
            """{"status":"ok","active_streams":0,"capacity":16,"encodings":["pcm_s16le"]}""",
            await HealthOfAsync(new SimulatorOptions()));
        Assert.Equal(
            """{"status":"ok","active_streams":0,"capacity":16,"encodings":["pcm_s16le"],"languages":["en","pt-BR"]}""",
            await HealthOfAsync(new SimulatorOptions { Languages = { "en", "pt-BR" } }));
        Assert.Equal(
            """{"status":"ok","active_streams":0,"capacity":16,"encodings":["pcm_s16le"],"translation_languages":["ja"]}""",
            await HealthOfAsync(new SimulatorOptions { TranslationLanguages = { "ja" } }));
        Assert.Equal(
            """{"status":"ok","active_streams":0,"capacity":16,"encodings":["pcm_s16le"],"languages":["en","pt-BR"],"translation_languages":["ja","de"]}""",
            await HealthOfAsync(Restricted));
    }

    private static async Task<string> HealthOfAsync(SimulatorOptions options)
    {
        await using var server = await SimulatorServer.StartAsync(options);
        using var http = new SimHttp(server.BaseUri);
        var (status, body) = await http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private static async Task AssertStreamWorksAsync(SimClient client)
    {
        await client.StartAsync(translate: ["de"], language: "EN");
        await client.SendAudioAsync(new byte[320]);
        await client.SendTextAsync("""{"type":"stop"}""");
        Assert.Equal(["partial '' 0-10", "final '' 0-10", "stopped"], Describe.Messages(await client.ReceiveThroughAsync("stopped")));
    }
}
