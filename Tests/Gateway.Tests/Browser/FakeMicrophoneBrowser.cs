using Microsoft.Playwright;

namespace OrleansStt.Gateway.Tests.Browser;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (its driver runs offline; no browser is
/// downloaded), with a fake microphone that plays a WAV file once and then silence, and the
/// microphone permission granted as a user would grant it.
/// </summary>
public sealed class FakeMicrophoneBrowser : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private FakeMicrophoneBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<FakeMicrophoneBrowser> LaunchAsync(string microphoneWav)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: apt-get install chromium (.ci/run installs it).");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Executable,
                Args =
                [
                    "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream",
                    $"--use-file-for-fake-audio-capture={microphoneWav}%noloop",
                    "--autoplay-policy=no-user-gesture-required",
                ],
            });
            return new FakeMicrophoneBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async Task<IPage> OpenAsync(Uri address)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 900, Height = 640 } });
        await context.GrantPermissionsAsync(["microphone"]);
        var page = await context.NewPageAsync();
        await page.GotoAsync(address.ToString());
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
