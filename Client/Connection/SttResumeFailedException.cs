using System.Net.WebSockets;

namespace OrleansStt.Client;

/// <summary>
/// Why a broken session stayed broken. <see cref="WebSocketException"/> is sealed, so this is not
/// thrown by itself: <see cref="SttSession.ReadAllAsync"/> and the sends throw a
/// <see cref="WebSocketException"/> with the same message and this as its
/// <see cref="Exception.InnerException"/>, which existing <c>catch (WebSocketException)</c>
/// blocks treat as the broken connection it is. <see cref="SttSession.ResumeFailure"/> holds it too.
/// </summary>
public sealed class SttResumeFailedException(SttResumeFailure reason, string message, Exception? lastError = null)
    : Exception(message, lastError)
{
    public SttResumeFailure Reason { get; } = reason;

    /// <summary>The wrapper callers catch; the session throws this same instance every time.</summary>
    internal WebSocketException Thrown => field ??= new(WebSocketError.ConnectionClosedPrematurely, Message, this);
}
