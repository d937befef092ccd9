using System.Buffers.Binary;

namespace OrleansStt.Client;

/// <summary>Mono audio decoded from a WAV file: samples in [-1, 1] at a rate, and the file's own format.</summary>
/// <param name="Samples">One float per frame; the file's channels averaged. Float files may stray past ±1.</param>
public sealed record WavSamples(float[] Samples, int SampleRate, WavFormat Source)
{
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);

    /// <summary>The first <paramref name="duration"/> of the audio (all of it when shorter).</summary>
    public WavSamples Take(TimeSpan duration)
    {
        var frames = (long)Math.Ceiling(Math.Max(0, duration.TotalSeconds) * SampleRate);
        return frames >= Samples.Length ? this : this with { Samples = Samples[..(int)frames] };
    }

    /// <summary>The same audio at <paramref name="sampleRate"/>, through a band-limited (windowed-sinc) resampler.</summary>
    public WavSamples Resample(int sampleRate) =>
        sampleRate == SampleRate ? this : this with { Samples = Resampler.Resample(Samples, SampleRate, sampleRate), SampleRate = sampleRate };

    /// <summary>pcm_s16le: each sample rounded to the nearest 1/32768 and clipped to the 16-bit range.</summary>
    public byte[] ToPcm16()
    {
        var pcm = new byte[Samples.Length * 2];
        for (var i = 0; i < Samples.Length; i++)
        {
            var value = Math.Clamp(Math.Round(Samples[i] * 32768.0), short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 2), (short)value);
        }

        return pcm;
    }

    public WavAudio ToWavAudio() => new(ToPcm16(), SampleRate);
}
