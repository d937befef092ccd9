using System.Diagnostics;

namespace OrleansStt.LoadTest;

/// <summary>The measured window in <see cref="Stopwatch"/> timestamps: after the ramp, for the duration.</summary>
internal sealed record MeasureWindow(long Start, long End)
{
    public static MeasureWindow After(long origin, TimeSpan ramp, TimeSpan duration) =>
        new(origin + Ticks(ramp), origin + Ticks(ramp + duration));

    public TimeSpan Length => Stopwatch.GetElapsedTime(Start, End);

    public bool Contains(long timestamp) => timestamp >= Start && timestamp < End;

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
