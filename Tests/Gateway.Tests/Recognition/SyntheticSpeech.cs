using System.Diagnostics;
using OrleansStt.Client;

namespace OrleansStt.Gateway.Tests.Recognition;

/// <summary>A phrase spoken by espeak-ng and resampled by sox to 16 kHz mono pcm_s16le (both from Debian; .ci/run installs them).</summary>
public static class SyntheticSpeech
{
    public static async Task<byte[]> SayAsync(string phrase)
    {
        var directory = Directory.CreateTempSubdirectory("orleansstt-speech-");
        try
        {
            return WavFile.Read(await SayToFileAsync(phrase, directory.FullName, trailingSilenceSeconds: 0)).Pcm;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Writes the phrase as a 16 kHz mono 16-bit WAV file in <paramref name="directory"/>, followed by silence.</summary>
    public static async Task<string> SayToFileAsync(string phrase, string directory, double trailingSilenceSeconds)
    {
        var spoken = Path.Combine(directory, "spoken.wav");
        var resampled = Path.Combine(directory, "16k.wav");
        await RunAsync("espeak-ng", ["-w", spoken, phrase]);
        // -D: no dither, so the same phrase is always the same audio.
        await RunAsync("sox", ["-D", spoken, "-r", "16000", "-c", "1", "-b", "16", resampled,
            "pad", "0", trailingSilenceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(16000, WavFile.Read(resampled).SampleRate);
        return resampled;
    }

    private static async Task RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, $"{program} failed ({process.ExitCode}): {await errors}");
    }
}
