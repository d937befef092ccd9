namespace OrleansStt.Grains.Configuration;

/// <summary>One GPU inference server speaking PROTOCOL §2.</summary>
public sealed class BackendOptions
{
    public string Id { get; set; } = "";

    /// <summary>The recognition WebSocket, e.g. <c>ws://gpu-1:9000/v1/stream</c>.</summary>
    public Uri? Url { get; set; }

    /// <summary>The most concurrent streams the server may carry.</summary>
    public int Capacity { get; set; } = 8;

    /// <summary>The server's health endpoint; by default <c>/health</c> on the stream URL's host.</summary>
    public Uri? HealthUrl { get; set; }

    public Uri EffectiveHealthUrl => HealthUrl ?? new UriBuilder(Url!)
    {
        Scheme = Url!.Scheme == "wss" ? "https" : "http",
        Path = "/health",
        Query = "",
    }.Uri;
}
