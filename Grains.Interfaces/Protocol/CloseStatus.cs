namespace OrleansStt.Grains.Interfaces.Protocol;

/// <summary>WebSocket close status codes (RFC 6455 §7.4) the gateway closes client sockets with.</summary>
public static class CloseStatus
{
    public const int Normal = 1000;
    public const int GoingAway = 1001;
    public const int PolicyViolation = 1008;
    public const int MessageTooBig = 1009;
    public const int InternalError = 1011;
    public const int TryAgainLater = 1013;

    /// <summary>PROTOCOL §1.3: a resume on another socket replaced this one; the client must not resume because of it.</summary>
    public const int Superseded = 4000;

    /// <summary>The status that ends a socket after a fatal error with this code.</summary>
    public static int ForError(string errorCode) => errorCode switch
    {
        ErrorCodes.CapacityExhausted or ErrorCodes.RateLimited => TryAgainLater,
        ErrorCodes.PayloadTooLarge => MessageTooBig,
        ErrorCodes.BadRequest or ErrorCodes.Unauthorized or ErrorCodes.SessionNotFound => PolicyViolation,
        _ => InternalError,
    };
}
