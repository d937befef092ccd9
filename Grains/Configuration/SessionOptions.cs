namespace OrleansStt.Grains.Configuration;

public sealed class SessionOptions
{
    /// <summary>A session with no audio or keepalive for this long is closed (<c>idle_timeout</c>).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>close_stream</c> waits for the GPU server's <c>stopped</c>.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long dialing a GPU server and sending <c>start</c> may take before trying the next.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
