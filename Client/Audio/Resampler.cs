using NAudio.Dsp;

namespace OrleansStt.Client;

/// <summary>Band-limited sample-rate conversion of whole mono signals.</summary>
/// <remarks>
/// NAudio's managed port of the Cockos WDL resampler, in its sinc mode: a Blackman-Harris windowed
/// sinc whose cutoff sits at 97% of the lower Nyquist frequency, so downsampling filters out what
/// would alias and upsampling adds no images. Not <c>WdlResamplingSampleProvider</c>: that one runs
/// WDL's cheap mode (linear interpolation behind two IIR low-passes), which takes 12 dB off a
/// 7 kHz tone at 44.1 → 16 kHz and 5% off a 1 kHz one at 8 → 16 kHz. The filter is 64 taps of the
/// output rate long whatever the input rate (64 × ratio taps of the input when downsampling), so
/// every conversion to 16 kHz is flat to 7 kHz, 3 dB down at 7.6 kHz and over 40 dB down from
/// 8.4 kHz. WDL's sinc mode has no delay: output sample n is the signal at input time n × in/out.
/// </remarks>
internal static class Resampler
{
    private const int BaseTaps = 64;
    private const int TableOversampling = 32;
    private const int ChunkFrames = 1 << 16;

    /// <returns><paramref name="input"/> itself when the rates are equal.</returns>
    public static float[] Resample(float[] input, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate == toRate)
        {
            return input;
        }

        var taps = 2 * (int)Math.Ceiling(BaseTaps / 2.0 * Math.Max(1.0, (double)fromRate / toRate));
        var resampler = new WdlResampler();
        resampler.SetMode(interp: true, filtercnt: 0, sinc: true, sinc_size: taps, sinc_interpsize: TableOversampling);
        resampler.SetFeedMode(wantInputDriven: true);
        resampler.SetRates(fromRate, toRate);

        var output = new float[OutputLength(input.Length, fromRate, toRate)];
        var scratch = new float[OutputLength(ChunkFrames, fromRate, toRate) + taps + 16];
        var (read, written) = (0, 0);
        // The filter needs half its length of input past a sample before it emits it: the zeros
        // after the input bring out the last samples, and the surplus is cut off.
        var total = (long)input.Length + taps;
        while (read < total && written < output.Length)
        {
            var frames = (int)Math.Min(ChunkFrames, total - read);
            var wanted = resampler.ResamplePrepare(frames, 1, out var buffer);
            var fromInput = Math.Clamp(input.Length - read, 0, wanted);
            input.AsSpan(read, fromInput).CopyTo(buffer);
            buffer[fromInput..wanted].Clear();
            read += wanted;

            var produced = resampler.ResampleOut(scratch, wanted, scratch.Length, 1);
            var take = Math.Min(produced, output.Length - written);
            scratch.AsSpan(0, take).CopyTo(output.AsSpan(written));
            written += take;
        }

        return output;
    }

    /// <summary>The samples that last as long at <paramref name="toRate"/>, to the nearest one.</summary>
    public static int OutputLength(long inputLength, int fromRate, int toRate) =>
        checked((int)((inputLength * toRate + fromRate / 2) / fromRate));
}
