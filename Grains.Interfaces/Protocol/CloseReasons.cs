namespace OrleansStt.Grains.Interfaces.Protocol;

/// <summary>The <c>reason</c> values of <c>closed</c> messages.</summary>
public static class CloseReasons
{
    /// <summary>The client sent <c>close_stream</c> and every result was flushed.</summary>
    public const string ClientClosed = "client_closed";

    /// <summary>No audio or keepalive arrived within the idle timeout.</summary>
    public const string IdleTimeout = "idle_timeout";
}
