namespace OrleansStt.Grains.Interfaces.Protocol;

/// <summary>The <c>code</c> values of <c>error</c> messages and refused upgrades (PROTOCOL §1.2).</summary>
public static class ErrorCodes
{
    public const string BadRequest = "bad_request";
    public const string Unauthorized = "unauthorized";
    public const string CapacityExhausted = "capacity_exhausted";
    public const string BackendUnavailable = "backend_unavailable";
    public const string PayloadTooLarge = "payload_too_large";
    public const string RateLimited = "rate_limited";
    public const string SessionNotFound = "session_not_found";
    public const string Internal = "internal";
}
