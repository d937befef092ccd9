using System.Globalization;

namespace OrleansStt.Client;

/// <summary>How a WAV file's samples are stored.</summary>
public enum WavSampleEncoding
{
    /// <summary>Integer PCM: unsigned at 8 bits, signed (two's complement) above.</summary>
    Integer,

    /// <summary>IEEE floating point, 32 or 64 bits.</summary>
    Float,
}

/// <summary>The format a WAV file's fmt chunk declares (one the reader decodes).</summary>
public sealed record WavFormat(WavSampleEncoding Encoding, int BitsPerSample, int Channels, int SampleRate)
{
    /// <summary>Bytes one sample of one channel takes in the file.</summary>
    public int BytesPerSample => (BitsPerSample + 7) / 8;

    /// <summary>E.g. <c>44100 Hz stereo, 24-bit</c> or <c>48000 Hz 6-channel, 32-bit float</c>.</summary>
    public override string ToString() => $"{Rate(SampleRate)} {ChannelName(Channels)}, {Bits}";

    /// <summary>
    /// What turning this into mono 16-bit samples at <paramref name="sampleRate"/> changes, e.g.
    /// <c>44100 Hz stereo, 24-bit → 16000 Hz mono</c>; just the format when nothing changes.
    /// </summary>
    public string DescribeConversionTo(int sampleRate)
    {
        if (SampleRate != sampleRate || Channels != 1)
        {
            return $"{this} → {Rate(sampleRate)} mono";
        }

        return Encoding == WavSampleEncoding.Integer && BitsPerSample == 16 ? ToString() : $"{this} → 16-bit";
    }

    private string Bits => Encoding == WavSampleEncoding.Float ? $"{BitsPerSample}-bit float" : $"{BitsPerSample}-bit";

    private static string Rate(int sampleRate) => string.Create(CultureInfo.InvariantCulture, $"{sampleRate} Hz");

    private static string ChannelName(int channels) => channels switch
    {
        1 => "mono",
        2 => "stereo",
        _ => string.Create(CultureInfo.InvariantCulture, $"{channels}-channel"),
    };
}
