using OrleansStt.Client;

namespace OrleansStt.Cli;

/// <summary>The audio the CLI streams, and how to describe it.</summary>
internal sealed record CliAudio(byte[] Pcm, int SampleRate, string Description)
{
    private const int DefaultSeconds = 4;
    private const int GeneratedSampleRate = 16000;

    /// <exception cref="InvalidDataException">The WAV file is not 16-bit PCM.</exception>
    public static CliAudio From(CliOptions options)
    {
        if (options.WavPath is { } path)
        {
            var wav = WavFile.Read(path);
            var pcm = options.Seconds is { } seconds
                ? wav.Pcm.AsSpan(0, (int)Math.Min(wav.Pcm.Length, BytesFor(seconds, wav.SampleRate))).ToArray()
                : wav.Pcm;
            return new CliAudio(pcm, wav.SampleRate, $"{Path.GetFileName(path)} ({wav.SampleRate} Hz)");
        }

        var ms = (int)((options.Seconds ?? DefaultSeconds) * 1000);
        return options.ToneHz is { } hz
            ? new CliAudio(Client.Pcm.Tone(hz, ms, GeneratedSampleRate), GeneratedSampleRate, $"a {hz} Hz tone")
            : new CliAudio(Client.Pcm.SpeechPattern(ms, GeneratedSampleRate), GeneratedSampleRate, "the speech pattern");
    }

    public TimeSpan Duration => TimeSpan.FromSeconds(Pcm.Length / 2.0 / SampleRate);

    // Whole samples only: a frame must never split a 16-bit sample.
    public static long BytesFor(double seconds, int sampleRate) => (long)(seconds * sampleRate) * 2;
}
