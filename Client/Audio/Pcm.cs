using System.Buffers.Binary;

namespace OrleansStt.Client;

/// <summary>Generated pcm_s16le mono audio.</summary>
public static class Pcm
{
    /// <summary>Length of one <see cref="SpeechPattern"/> cycle.</summary>
    public const int SpeechPatternCycleMs = 2400;

    public static int BytesPerMs(int sampleRate = 16000) => sampleRate * 2 / 1000;

    public static byte[] Tone(double hz, int ms, int sampleRate = 16000, short amplitude = 8000)
    {
        var samples = SampleCount(ms, sampleRate);
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = amplitude * Math.Sin(2 * Math.PI * hz * i / sampleRate);
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), (short)Math.Round(value));
        }

        return bytes;
    }

    public static byte[] Silence(int ms, int sampleRate = 16000) => new byte[SampleCount(ms, sampleRate) * 2];

    /// <summary>
    /// Speech-like bursts a speech-mode simulator turns into words: 1 s of 500 Hz, 400 ms silence,
    /// 600 ms of 300 Hz, 400 ms silence, repeated and cut at <paramref name="ms"/>.
    /// </summary>
    public static byte[] SpeechPattern(int ms, int sampleRate = 16000)
    {
        byte[][] parts =
        [
            Tone(500, 1000, sampleRate), Silence(400, sampleRate), Tone(300, 600, sampleRate), Silence(400, sampleRate),
        ];
        var result = new byte[SampleCount(ms, sampleRate) * 2];
        for (var offset = 0; offset < result.Length;)
        {
            foreach (var part in parts)
            {
                var take = Math.Min(part.Length, result.Length - offset);
                part.AsSpan(0, take).CopyTo(result.AsSpan(offset));
                offset += take;
            }
        }

        return result;
    }

    private static int SampleCount(int ms, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        return (int)((long)ms * sampleRate / 1000);
    }
}
