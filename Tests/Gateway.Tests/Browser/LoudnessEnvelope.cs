namespace OrleansStt.Gateway.Tests.Browser;

/// <summary>
/// Whether two recordings are the same speech: their loudness over time (RMS per 10 ms), compared
/// by correlation at the best offset. Robust to what a browser's audio path does to a signal
/// (resampling, a start a few milliseconds late, blocks dropped under load) and not fooled by
/// silence or other speech. A dropped block shifts everything after it, so each half of the
/// recording is also compared at its own best offset, and the best of the three counts.
/// </summary>
public static class LoudnessEnvelope
{
    private const int SamplesPerStep = 160; // 10 ms at 16 kHz

    /// <summary>
    /// The highest correlation of the two envelopes over offsets of up to <paramref name="maxOffset"/>
    /// either way, where at least 90% of <paramref name="said"/> (or of the half compared)
    /// overlaps <paramref name="heard"/>.
    /// </summary>
    public static double BestCorrelation(byte[] said, byte[] heard, TimeSpan maxOffset)
    {
        var reference = Of(said);
        var candidate = Of(heard);
        var maxLag = (int)(maxOffset.TotalMilliseconds / 10);
        var half = reference.Length / 2;
        return Math.Max(
            BestCorrelation(reference, candidate, from: -maxLag, to: maxLag),
            Math.Max(
                BestCorrelation(reference[..half], candidate, from: -maxLag, to: maxLag),
                BestCorrelation(reference[half..], candidate, from: half - maxLag, to: half + maxLag)));
    }

    private static double BestCorrelation(double[] reference, double[] candidate, int from, int to)
    {
        var minimumOverlap = (int)(reference.Length * 0.9);
        var best = 0.0;
        for (var lag = from; lag <= to; lag++)
        {
            // Reference step i is compared with candidate step i + lag.
            var first = Math.Max(0, -lag);
            var last = Math.Min(reference.Length, candidate.Length - lag);
            if (last - first >= minimumOverlap)
            {
                best = Math.Max(best, Correlation(reference.AsSpan(first..last), candidate.AsSpan((first + lag)..(last + lag))));
            }
        }

        return best;
    }

    private static double[] Of(byte[] pcm)
    {
        var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(pcm);
        var envelope = new double[samples.Length / SamplesPerStep];
        for (var i = 0; i < envelope.Length; i++)
        {
            double sum = 0;
            foreach (var sample in samples.Slice(i * SamplesPerStep, SamplesPerStep))
            {
                sum += (double)sample * sample;
            }

            envelope[i] = Math.Sqrt(sum / SamplesPerStep);
        }

        return envelope;
    }

    private static double Correlation(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double meanA = 0, meanB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            meanA += a[i];
            meanB += b[i];
        }

        meanA /= a.Length;
        meanB /= b.Length;
        double covariance = 0, varianceA = 0, varianceB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            covariance += (a[i] - meanA) * (b[i] - meanB);
            varianceA += (a[i] - meanA) * (a[i] - meanA);
            varianceB += (b[i] - meanB) * (b[i] - meanB);
        }

        return varianceA == 0 || varianceB == 0 ? 0 : covariance / Math.Sqrt(varianceA * varianceB);
    }
}
