namespace OrleansStt.LoadTest;

/// <summary>A copy of a <see cref="LatencyHistogram"/>, to read percentiles from.</summary>
internal sealed record LatencySnapshot(long[] Buckets, long Count, long SumMicros, long MaxMicros)
{
    /// <summary>Nearest-rank percentile in milliseconds; 0 when empty.</summary>
    public double PercentileMs(double percentile)
    {
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        var seen = 0L;
        for (var i = 0; i < Buckets.Length; i++)
        {
            seen += Buckets[i];
            if (seen >= rank)
            {
                // A bucket midpoint can overshoot the largest value seen; never report above the max.
                return Math.Min(LatencyHistogram.MidpointOf(i), MaxMicros) / 1000;
            }
        }

        return 0;
    }

    public double MaxMs => MaxMicros / 1000.0;

    public double MeanMs => Count == 0 ? 0 : SumMicros / 1000.0 / Count;

    /// <summary>Rounded to the microsecond, the histogram's finest unit.</summary>
    public LatencyStats ToStats() =>
        new(Count, Round(PercentileMs(50)), Round(PercentileMs(90)), Round(PercentileMs(99)), Round(MaxMs), Round(MeanMs));

    private static double Round(double ms) => Math.Round(ms, 3);
}
