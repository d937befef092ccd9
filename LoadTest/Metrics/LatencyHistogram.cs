using System.Numerics;

namespace OrleansStt.LoadTest;

/// <summary>
/// Lock-free log-linear histogram of microseconds: exact below 256 µs, then 128 buckets per power of
/// two (under 0.8 % error). Thousands of sessions record into it concurrently with one Interlocked
/// add, and it stays a few KB however many results arrive.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int LinearLimit = 2 * SubBuckets;
    private const int MaxExponent = 40;

    private readonly long[] _buckets = new long[LinearLimit + (MaxExponent - SubBucketBits) * SubBuckets];
    private long _count;
    private long _sumMicros;
    private long _maxMicros;

    public void Record(TimeSpan value)
    {
        var micros = Math.Max(0, (long)value.TotalMicroseconds);
        Interlocked.Increment(ref _buckets[IndexOf(micros)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, micros);
        for (var max = Volatile.Read(ref _maxMicros); micros > max;)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicros, micros, max);
            max = seen == max ? micros : seen;
        }
    }

    // Racing writers may land a count on either side of the copy; a report read after the run settles is exact.
    public LatencySnapshot Snapshot() =>
        new((long[])_buckets.Clone(), Volatile.Read(ref _count), Volatile.Read(ref _sumMicros), Volatile.Read(ref _maxMicros));

    /// <summary>Everything recorded since the previous call, for per-second progress.</summary>
    public LatencySnapshot TakeAndReset()
    {
        var buckets = new long[_buckets.Length];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = Interlocked.Exchange(ref _buckets[i], 0);
        }

        return new(buckets, Interlocked.Exchange(ref _count, 0), Interlocked.Exchange(ref _sumMicros, 0), Interlocked.Exchange(ref _maxMicros, 0));
    }

    internal static int IndexOf(long micros)
    {
        if (micros < LinearLimit)
        {
            return (int)micros;
        }

        var exponent = Math.Min(63 - BitOperations.LeadingZeroCount((ulong)micros), MaxExponent);
        var shift = exponent - SubBucketBits;
        var sub = (int)Math.Min((micros >> shift) - SubBuckets, SubBuckets - 1);
        return LinearLimit + (exponent - SubBucketBits - 1) * SubBuckets + sub;
    }

    /// <summary>Middle of bucket <paramref name="index"/> in microseconds.</summary>
    internal static double MidpointOf(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        var exponent = (index - LinearLimit) / SubBuckets + SubBucketBits + 1;
        var sub = (index - LinearLimit) % SubBuckets;
        var shift = exponent - SubBucketBits;
        return ((long)(SubBuckets + sub) << shift) + ((1L << shift) / 2.0);
    }
}
