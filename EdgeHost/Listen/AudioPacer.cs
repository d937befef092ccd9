using System.Threading.RateLimiting;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// Holds one client's audio to <c>Stt:Edge:MaxAudioSpeed</c> times real time after a burst of
/// <c>Stt:Edge:AudioBurst</c>. A faster client is not punished: its socket is simply read more
/// slowly (TCP backpressure), so a GPU server never gets more audio per session than it is sized for.
/// </summary>
public sealed class AudioPacer : IDisposable
{
    // Each limiter refills on a timer of its own: once a second keeps that to one timer turn per
    // session per second, and the burst absorbs the coarse steps.
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly TokenBucketRateLimiter _audioMs;
    private readonly int _burstMs;

    public AudioPacer(double speed, TimeSpan burst)
    {
        _burstMs = (int)burst.TotalMilliseconds;
        _audioMs = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _burstMs,
            TokensPerPeriod = Math.Max(1, (int)(speed * Period.TotalMilliseconds)),
            ReplenishmentPeriod = Period,
            AutoReplenishment = true,
            QueueLimit = _burstMs,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>
    /// Waits until a frame of <paramref name="bytes"/> of 16-bit PCM (the only encoding accepted by
    /// default) at <paramref name="sampleRate"/> may go on. Every frame costs at least 1 ms, rounded
    /// up, so a flood of tiny or empty frames (each one a grain call) is paced too.
    /// </summary>
    public async ValueTask WaitAsync(int bytes, int sampleRate, CancellationToken cancellationToken)
    {
        var bytesPerMs = 2L * sampleRate;
        var audioMs = (int)Math.Clamp((bytes * 1000L + bytesPerMs - 1) / bytesPerMs, 1, _burstMs);
        using var lease = await _audioMs.AcquireAsync(audioMs, cancellationToken);
    }

    public void Dispose() => _audioMs.Dispose();
}
