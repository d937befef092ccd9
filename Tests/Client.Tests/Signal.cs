using System.Buffers.Binary;

namespace OrleansStt.Client.Tests;

/// <summary>Measurements of pcm_s16le audio, in full-scale units (1.0 = 32768).</summary>
public static class Signal
{
    public static double[] FromPcm16(byte[] pcm)
    {
        var samples = new double[pcm.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(i * 2)) / 32768.0;
        }

        return samples;
    }

    public static double Rms(ReadOnlySpan<double> samples)
    {
        var sum = 0.0;
        foreach (var sample in samples)
        {
            sum += sample * sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>The amplitude of the <paramref name="hz"/> component (Goertzel), exact for a whole number of its cycles.</summary>
    public static double Amplitude(ReadOnlySpan<double> samples, int sampleRate, double hz)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * hz / sampleRate);
        var (previous, beforePrevious) = (0.0, 0.0);
        foreach (var sample in samples)
        {
            (previous, beforePrevious) = (sample + coefficient * previous - beforePrevious, previous);
        }

        var power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
        return 2 * Math.Sqrt(Math.Max(0, power)) / samples.Length;
    }

    public static int ZeroCrossings(ReadOnlySpan<double> samples)
    {
        var crossings = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            crossings += (samples[i - 1] < 0) != (samples[i] < 0) ? 1 : 0;
        }

        return crossings;
    }
}
