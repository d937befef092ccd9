using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using OrleansStt.Client;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Embedded;
using OrleansStt.EdgeHost.Listen;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Gateway.Tests.Recognition;
using OrleansStt.InferenceSim;
using Xunit.Abstractions;

namespace OrleansStt.Gateway.Tests.Browser;

/// <summary>
/// The captions page at <c>/</c>, in a real browser whose microphone says a phrase: the embedded
/// default gateway (real recognizer, no GPU servers configured) shows the recognizer's own words,
/// for a session opened with a token minted by a customer's backend; an expired token is refused.
/// </summary>
public sealed class CaptionsPageTests(ITestOutputHelper output)
{
    private const string BackendKey = "customer-backend-key";
    private const string TokenSecret = "a-secret-every-edge-of-this-deployment-shares";
    private const string Phrase = "please turn on the kitchen lights and play some music";

    // Lets the recognizer's voice detection end the utterance before the fake microphone falls silent.
    private const int TrailingSilenceSeconds = 3;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Stt:Edge:ApiKeys:0"] = BackendKey,
        ["Stt:Edge:TokenSecret"] = TokenSecret,
    };

    [Fact]
    public async Task The_page_captions_the_microphone_with_the_recognizers_words()
    {
        var directory = Directory.CreateTempSubdirectory("orleansstt-browser-");
        try
        {
            var microphone = await SyntheticSpeech.SayToFileAsync(Phrase, directory.FullName, trailingSilenceSeconds: TrailingSilenceSeconds);
            await using var gateway = await GatewayHost.StartAsync(Settings);
            var fleet = gateway.Services.GetRequiredService<SimulatedFleet>();
            Assert.Equal(SimulatorMode.Sphinx, fleet.Mode);

            await using var browser = await FakeMicrophoneBrowser.LaunchAsync(microphone);
            var page = await browser.OpenAsync(PageUri(gateway, await MintTokenAsync(gateway), autostart: false));
            await page.SelectOptionAsync("#translate", "ja");
            await page.ClickAsync("#start");
            var screenshot = Path.Combine(AppContext.BaseDirectory, "captions.png");
            var heard = await CaptionThenStopAsync(page, fleet, microphone, whileListening: () => page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot }));
            output.WriteLine($"screenshot (docs/captions.png): {screenshot}");
            var simulatedTranslations = await page.Locator("li.final .translation[data-simulated='true']").CountAsync();

            Assert.True(heard.Likeness > 0.9, $"the page sent the microphone's speech (loudness correlation {heard.Likeness:0.00})");
            Assert.NotEmpty(heard.Engine);
            Assert.Equal(heard.Engine, heard.Shown);
            Assert.Equal(heard.Shown.Length, simulatedTranslations);
            Assert.Equal(0, await Eventually.Equal(0, () => gateway.ActiveLeasesAsync(["sim-1", "sim-2"])));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_page_resumes_by_itself_when_its_connection_breaks_and_no_word_is_lost()
    {
        var directory = Directory.CreateTempSubdirectory("orleansstt-browser-");
        try
        {
            var microphone = await SyntheticSpeech.SayToFileAsync(Phrase, directory.FullName, trailingSilenceSeconds: TrailingSilenceSeconds);
            await using var gateway = await GatewayHost.StartAsync(Settings);
            var fleet = gateway.Services.GetRequiredService<SimulatedFleet>();
            await using var network = new DroppingProxy(gateway.ListenUri.Port);

            await using var browser = await FakeMicrophoneBrowser.LaunchAsync(microphone);
            var viaNetwork = new UriBuilder(PageUri(gateway, await MintTokenAsync(gateway), autostart: true)) { Port = network.Port }.Uri;
            var page = await browser.OpenAsync(viaNetwork);
            // Mid-phrase: the recognizer has heard some words and not the end of the utterance.
            await page.WaitForFunctionAsync("() => window.captions.partial() !== ''", null, new() { Timeout = 30_000 });
            network.DropAll();
            var heard = await CaptionThenStopAsync(page, fleet, microphone);
            var events = await page.InnerTextAsync("#events");
            output.WriteLine($"events:\n{events}");

            Assert.True(network.Dropped > 0, "the page's connection was cut");
            Assert.Contains("resumed", events, StringComparison.OrdinalIgnoreCase);
            Assert.True(heard.Likeness > 0.9, $"the page sent the microphone's speech (loudness correlation {heard.Likeness:0.00})");
            Assert.NotEmpty(heard.Engine);
            Assert.Equal(heard.Engine, heard.Shown);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Waits for the page's first final, stops the session as a user would, and returns what the
    /// page showed beside what the recognizer makes of exactly the audio the page sent, and how
    /// alike that audio is to the microphone's recording. (A browser's audio path, and a busy
    /// machine under it, may shift or drop a few milliseconds, which can change PocketSphinx's
    /// guesses: the page is held to the words for what it sent.)
    /// </summary>
    private async Task<(List<string> Engine, string[] Shown, double Likeness)> CaptionThenStopAsync(
        IPage page, SimulatedFleet fleet, string microphone, Func<Task>? whileListening = null)
    {
        await page.WaitForFunctionAsync("() => window.captions.finals().length > 0", null, new() { Timeout = 60_000 });
        if (whileListening is not null)
        {
            await whileListening();
        }

        await page.EvaluateAsync("window.captions.stop()");
        await page.WaitForFunctionAsync("() => window.captions.state() === 'closed'", null, new() { Timeout = 30_000 });
        var shown = await page.EvaluateAsync<string[]>("window.captions.finals()");
        var sent = Convert.FromBase64String(await page.EvaluateAsync<string>("window.captions.audio()"));
        var recording = WavFile.Read(microphone).Pcm;
        var said = recording[..^(TrailingSilenceSeconds * 16000 * 2)];

        var engine = await EngineTranscript.FinalsAsync(fleet.Servers[0].StreamUri, sent, frameBytes: 640);
        var engineOnRecording = await EngineTranscript.FinalsAsync(fleet.Servers[0].StreamUri, recording, frameBytes: 640);
        var likeness = LoudnessEnvelope.BestCorrelation(said, sent, maxOffset: TimeSpan.FromSeconds(2));
        output.WriteLine($"said: {Phrase}\nrecognizer on the recording: {string.Join(" | ", engineOnRecording)}\n"
            + $"recognizer on what the page sent ({sent.Length / 32} ms): {string.Join(" | ", engine)}\npage: {string.Join(" | ", shown)}\nloudness correlation: {likeness:0.000}");
        return (engine, shown, likeness);
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_the_page_says_so_in_plain_words()
    {
        var directory = Directory.CreateTempSubdirectory("orleansstt-browser-");
        try
        {
            var microphone = await SyntheticSpeech.SayToFileAsync("hello", directory.FullName, trailingSilenceSeconds: 1);
            await using var gateway = await GatewayHost.StartAsync(Settings);
            // Minted two minutes ago with the deployment's secret: genuine, and expired a minute ago.
            var twoMinutesAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-2));
            var expired = new SessionTokens(Options.Create(new EdgeOptions { TokenSecret = TokenSecret }), twoMinutesAgo).Mint(keyIndex: 0);

            await using var browser = await FakeMicrophoneBrowser.LaunchAsync(microphone);
            var page = await browser.OpenAsync(PageUri(gateway, expired));
            await page.WaitForFunctionAsync("() => window.captions.state() === 'error'", null, new() { Timeout = 30_000 });
            var said = await page.InnerTextAsync("#state");
            output.WriteLine($"page state: {said}");

            Assert.Contains("expired", said, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(await page.EvaluateAsync<string[]>("window.captions.finals()"));
            Assert.Equal(0, gateway.Services.GetRequiredService<SessionSlots>().Taken);
            Assert.Equal(0, await gateway.SessionActivationsAsync());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Uri HttpBase(GatewayHost gateway) => new UriBuilder(gateway.ListenUri) { Scheme = "http", Path = "/" }.Uri;

    private static Uri PageUri(GatewayHost gateway, string token, bool autostart = true) =>
        new(HttpBase(gateway), $"/?{(autostart ? "autostart=1&" : "")}access_token={Uri.EscapeDataString(token)}");

    // What a customer's backend does for each page it serves (docs/security.md).
    private static async Task<string> MintTokenAsync(GatewayHost gateway)
    {
        using var http = new HttpClient { BaseAddress = HttpBase(gateway) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tokens");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BackendKey);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
