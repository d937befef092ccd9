using System.Diagnostics;

namespace OrleansStt.LoadTest;

/// <summary>
/// The measured window in <see cref="Stopwatch"/> timestamps: after the ramp (which ends at
/// <paramref name="RampEnd"/>) and a settling time, for the duration.
/// </summary>
internal sealed record MeasureWindow(long RampEnd, long Start, long End)
{
    public static MeasureWindow After(long origin, TimeSpan ramp, TimeSpan settle, TimeSpan duration) =>
        new(origin + Ticks(ramp), origin + Ticks(ramp + settle), origin + Ticks(ramp + settle + duration));

    public TimeSpan Length => Stopwatch.GetElapsedTime(Start, End);

    public bool Contains(long timestamp) => timestamp >= Start && timestamp < End;

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
