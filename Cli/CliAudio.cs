using OrleansStt.Client;

namespace OrleansStt.Cli;

/// <summary>The audio the CLI streams, and how to describe it.</summary>
internal sealed record CliAudio(byte[] Pcm, int SampleRate, string Description)
{
    private const int DefaultSeconds = 4;

    /// <summary>The rate every source is sent at: the real recognizer's (PocketSphinx's en-us model is 16 kHz).</summary>
    private const int StreamSampleRate = 16000;

    // Input past a --seconds cut that the resampler's filter still reads, so the last samples sent
    // are the file's and not a fade to silence: 32 samples of the slower rate, 4 ms at 8 kHz.
    private static readonly TimeSpan CutMargin = TimeSpan.FromMilliseconds(50);

    /// <exception cref="InvalidDataException">The file is not a PCM WAV file, or is malformed.</exception>
    public static CliAudio From(CliOptions options)
    {
        if (options.WavPath is { } path)
        {
            var wav = WavFile.Decode(path);
            var source = options.Seconds is { } seconds ? wav.Take(TimeSpan.FromSeconds(seconds) + CutMargin) : wav;
            var pcm = source.Resample(StreamSampleRate).ToPcm16();
            if (options.Seconds is { } limit)
            {
                pcm = pcm.AsSpan(0, (int)Math.Min(pcm.Length, BytesFor(limit, StreamSampleRate))).ToArray();
            }

            return new CliAudio(pcm, StreamSampleRate, $"{Path.GetFileName(path)} ({wav.Source.DescribeConversionTo(StreamSampleRate)})");
        }

        var ms = (int)((options.Seconds ?? DefaultSeconds) * 1000);
        return options.ToneHz is { } hz
            ? new CliAudio(Client.Pcm.Tone(hz, ms, StreamSampleRate), StreamSampleRate, $"a {hz} Hz tone")
            : new CliAudio(Client.Pcm.SpeechPattern(ms, StreamSampleRate), StreamSampleRate, "the speech pattern");
    }

    public TimeSpan Duration => TimeSpan.FromSeconds(Pcm.Length / 2.0 / SampleRate);

    // Whole samples only: a frame must never split a 16-bit sample.
    public static long BytesFor(double seconds, int sampleRate) => (long)(seconds * sampleRate) * 2;
}
