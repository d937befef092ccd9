namespace OrleansStt.InferenceSim.Tests;

/// <summary>Generates pcm_s16le mono audio.</summary>
public static class Pcm
{
    public const int DefaultSampleRate = 16_000;

    public static byte[] Tone(double hz, int ms, int sampleRate = DefaultSampleRate, short amplitude = 8_000)
    {
        var samples = SampleCount(ms, sampleRate);
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var sample = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * hz * i / sampleRate));
            bytes[2 * i] = (byte)sample;
            bytes[(2 * i) + 1] = (byte)(sample >> 8);
        }

        return bytes;
    }

    public static byte[] Silence(int ms, int sampleRate = DefaultSampleRate) => new byte[SampleCount(ms, sampleRate) * 2];

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    private static int SampleCount(int ms, int sampleRate) => (int)((long)sampleRate * ms / 1000);
}
