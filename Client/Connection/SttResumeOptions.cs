namespace OrleansStt.Client;

/// <summary>
/// How an <see cref="SttSession"/> resumes its session after its socket breaks (PROTOCOL.md §1.3):
/// it reconnects with <c>session_id</c>, <c>resume_token</c> and <c>last_seq</c>, trying the
/// options' edges in turn with a jittered, doubling backoff, until an edge accepts, every edge
/// refuses for good, or <see cref="GiveUpAfter"/> has passed since the break.
/// </summary>
public sealed record SttResumeOptions
{
    /// <summary>Today's behavior: a broken socket ends the session.</summary>
    public static SttResumeOptions Disabled { get; } = new() { Enabled = false };

    public bool Enabled { get; init; } = true;

    /// <summary>
    /// From the break to the <c>resumed</c> notice. The default is the edge's grace period: a
    /// session not resumed within it is gone, so trying longer only postpones the failure.
    /// </summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before the second attempt; the first goes out at once.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The doubling stops here.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The sent audio kept for re-sending, newest frames first. A resume needs the frames the edge
    /// had not accepted when the socket broke: what was in flight, plus whatever was sent into a
    /// dead connection before the break showed (2 MiB is about 65 s of 16 kHz pcm_s16le). Each
    /// session holds up to this much once it has sent it, so thousands of sessions in one process
    /// may want less.
    /// </summary>
    public long MaxBufferedAudioBytes { get; init; } = 2 << 20;

    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (GiveUpAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(GiveUpAfter)} must be positive (got {GiveUpAfter}).");
        }

        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException(
                $"{nameof(InitialBackoff)} must be positive and at most {nameof(MaxBackoff)} (got {InitialBackoff} and {MaxBackoff}).");
        }

        if (MaxBufferedAudioBytes < 0)
        {
            throw new ArgumentException($"{nameof(MaxBufferedAudioBytes)} must not be negative (got {MaxBufferedAudioBytes}).");
        }
    }

    /// <summary>
    /// The wait before retry <paramref name="retry"/> (1 for the second attempt): doubling from
    /// <see cref="InitialBackoff"/> up to <see cref="MaxBackoff"/>, then drawn from its upper half
    /// so that clients cut off together by one edge do not come back together.
    /// </summary>
    internal TimeSpan BackoffBefore(int retry)
    {
        var full = InitialBackoff.Ticks;
        for (var i = 1; i < retry && full < MaxBackoff.Ticks; i++)
        {
            full *= 2;
        }

        full = Math.Min(full, MaxBackoff.Ticks);
        return TimeSpan.FromTicks(full / 2 + Random.Shared.NextInt64(full / 2 + 1));
    }
}
