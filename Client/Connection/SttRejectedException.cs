namespace OrleansStt.Client;

/// <summary>
/// The edge answered the WebSocket upgrade with plain HTTP (400/401/429/503 …) instead of 101.
/// <see cref="Exception.Message"/> is the body's <c>message</c> when the body is the protocol's JSON error.
/// </summary>
public sealed class SttRejectedException(int statusCode, string? code, string? message, string body, TimeSpan? retryAfter = null)
    : Exception(message ?? $"The edge refused the WebSocket upgrade with HTTP {statusCode}.")
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The body's <c>code</c> (<c>unauthorized</c>, <c>capacity_exhausted</c> …), null when the body is not the protocol's JSON.</summary>
    public string? Code { get; } = code;

    /// <summary>The raw response body, for diagnosing an edge that answered something unexpected.</summary>
    public string Body { get; } = body;

    /// <summary>The <c>Retry-After</c> header (503 and 429 carry one): how long to wait before asking this edge again.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
