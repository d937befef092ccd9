using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
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

    // Loudness correlation of what the page sent with the speech: 0.95+ on a quiet machine, 0.82 seen
    // on a busy 2-core CI box whose browser dropped audio blocks; silence scores 0, other speech far less.
    private const double SameSpeech = 0.7;
    private const double SpeechAtAll = 0.3;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Stt:Edge:ApiKeys:0"] = BackendKey,
        ["Stt:Edge:TokenSecret"] = TokenSecret,
    };

    [Fact]
    public async Task The_page_captions_the_microphone_with_the_recognizers_words()
    {
        using var microphone = await SpokenRecording.SayAsync(Phrase, TrailingSilenceSeconds);
        await using var gateway = await GatewayHost.StartAsync(Settings);
        var fleet = gateway.Services.GetRequiredService<SimulatedFleet>();
        Assert.Equal(SimulatorMode.Sphinx, fleet.Mode);

        await using var browser = await FakeMicrophoneBrowser.LaunchAsync(microphone.Path);
        var page = await browser.OpenAsync(PageUri(gateway, await MintTokenAsync(gateway), autostart: false));
        await page.SelectOptionAsync("#translate", "ja");
        await page.ClickAsync("#start");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "captions.png");
        var heard = await CaptionThenStopAsync(page, fleet, microphone, whileListening: () => page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot }));
        output.WriteLine($"screenshot (docs/captions.png): {screenshot}");
        var simulatedTranslations = await page.Locator("li.final .translation[data-simulated='true']").CountAsync();

        Assert.True(heard.Likeness > SameSpeech, $"the page sent the microphone's speech (loudness correlation {heard.Likeness:0.00})");
        Assert.NotEmpty(heard.Engine);
        Assert.Equal(heard.Engine, heard.Shown);
        Assert.Equal(heard.Shown.Length, simulatedTranslations);
        Assert.Equal(0, await Eventually.Equal(0, () => gateway.ActiveLeasesAsync(["sim-1", "sim-2"])));
    }

    [Fact]
    public async Task The_page_resumes_by_itself_with_a_fresh_token_when_its_connection_breaks_and_no_word_is_lost()
    {
        using var microphone = await SpokenRecording.SayAsync(Phrase, TrailingSilenceSeconds);
        var tokensIssued = 0;
        var settings = new Dictionary<string, string?>(Settings) { ["Stt:Edge:CaptionsTokenUrl"] = "/my-app/stt-token" };
        // The customer's application on the same origin: it knows its user (here, anyone) and
        // mints a token for each connect and resume, as POST /v1/tokens would with its key.
        await using var gateway = await GatewayHost.StartAsync(settings, alongside: app => app.MapPost("/my-app/stt-token", (SessionTokens tokens) =>
        {
            Interlocked.Increment(ref tokensIssued);
            return TypedResults.Json(new Dictionary<string, string> { ["token"] = tokens.Mint(keyIndex: 0) });
        }));
        await using var network = new DroppingProxy(gateway.ListenUri.Port);

        await using var browser = await FakeMicrophoneBrowser.LaunchAsync(microphone.Path);
        var page = await browser.OpenAsync(new UriBuilder(HttpBase(gateway)) { Port = network.Port, Query = "autostart=1" }.Uri);
        // Mid-phrase: the recognizer has heard some words and not the end of the utterance.
        await page.WaitForFunctionAsync("() => window.captions.partial() !== ''", null, new() { Timeout = 30_000 });
        network.DropAll();
        var heard = await CaptionThenStopAsync(page, gateway.Services.GetRequiredService<SimulatedFleet>(), microphone);
        var events = await page.InnerTextAsync("#events");
        output.WriteLine($"events:\n{events}\ntokens issued: {tokensIssued}");

        Assert.True(network.Dropped > 0, "the page's connection was cut");
        Assert.Contains("resumed", events, StringComparison.OrdinalIgnoreCase);
        Assert.True(tokensIssued >= 2, $"a token for the start and one for the resume (issued {tokensIssued})");
        // The capture runs on while the page reconnects, on a box busy with the rest of the suite:
        // Chromium's fake microphone then skips audio (0.51 seen in CI). Speech, not silence, is what
        // this checks; the page's resampling is held to SameSpeech by the test above.
        Assert.True(heard.Likeness > SpeechAtAll, $"the page sent the microphone's speech (loudness correlation {heard.Likeness:0.00})");
        Assert.NotEmpty(heard.Engine);
        Assert.Equal(heard.Engine, heard.Shown);
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_the_page_says_so_in_plain_words()
    {
        using var microphone = await SpokenRecording.SayAsync("hello", trailingSilenceSeconds: 1);
        await using var gateway = await GatewayHost.StartAsync(Settings);
        // Minted two minutes ago with the deployment's secret: genuine, and expired a minute ago.
        var twoMinutesAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-2));
        var expired = new SessionTokens(Options.Create(new EdgeOptions { TokenSecret = TokenSecret }), twoMinutesAgo).Mint(keyIndex: 0);

        await using var browser = await FakeMicrophoneBrowser.LaunchAsync(microphone.Path);
        var page = await browser.OpenAsync(PageUri(gateway, expired));
        await page.WaitForFunctionAsync("() => window.captions.state() === 'error'", null, new() { Timeout = 30_000 });
        var said = await page.InnerTextAsync("#state");
        output.WriteLine($"page state: {said}");

        // The edge answers every refused credential alike (401), so the page cannot say more.
        Assert.StartsWith("Not authorized", said, StringComparison.Ordinal);
        Assert.Empty(await page.EvaluateAsync<string[]>("window.captions.finals()"));
        Assert.Equal(0, gateway.Services.GetRequiredService<SessionSlots>().Taken);
        Assert.Equal(0, await gateway.SessionActivationsAsync());
    }

    /// <summary>
    /// Waits until the page has sent the phrase and shows it as finals, stops the session as a user would, and returns what the
    /// page showed beside what the recognizer makes of exactly the audio the page sent, and how
    /// alike that audio is to the microphone's speech. (A browser's audio path, and a busy
    /// machine under it, may shift or drop a few milliseconds, which can change PocketSphinx's
    /// guesses: the page is held to the words for what it sent.)
    /// </summary>
    private async Task<(List<string> Engine, string[] Shown, double Likeness)> CaptionThenStopAsync(
        IPage page, SimulatedFleet fleet, SpokenRecording microphone, Func<Task>? whileListening = null)
    {
        // The whole phrase sent and a second of silence after it, and nothing left provisional.
        var settledMs = (microphone.Speech.Length / 32) + 1000;
        await page.WaitForFunctionAsync(
            "ms => window.captions.sentMs() >= ms && window.captions.partial() === '' && window.captions.finals().length > 0",
            settledMs, new() { Timeout = 60_000 });
        if (whileListening is not null)
        {
            await whileListening();
        }

        await page.EvaluateAsync("window.captions.stop()");
        await page.WaitForFunctionAsync("() => window.captions.state() === 'closed'", null, new() { Timeout = 30_000 });
        var shown = await page.EvaluateAsync<string[]>("window.captions.finals()");
        var sent = Convert.FromBase64String(await page.EvaluateAsync<string>("window.captions.audio()"));

        var engine = await EngineTranscript.FinalsAsync(fleet.Servers[0].StreamUri, sent, frameBytes: 640);
        var engineOnRecording = await EngineTranscript.FinalsAsync(fleet.Servers[0].StreamUri, microphone.Recording, frameBytes: 640);
        var likeness = LoudnessEnvelope.BestCorrelation(microphone.Speech, sent, maxOffset: TimeSpan.FromSeconds(2));
        output.WriteLine($"said: {Phrase}\nrecognizer on the recording: {string.Join(" | ", engineOnRecording)}\n"
            + $"recognizer on what the page sent ({sent.Length / 32} ms): {string.Join(" | ", engine)}\npage: {string.Join(" | ", shown)}\nloudness correlation: {likeness:0.000}");
        return (engine, shown, likeness);
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
