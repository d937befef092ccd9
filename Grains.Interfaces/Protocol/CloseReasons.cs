namespace OrleansStt.Grains.Interfaces.Protocol;

/// <summary>The <c>reason</c> values of <c>closed</c> messages.</summary>
public static class CloseReasons
{
    /// <summary>The client sent <c>close_stream</c> and every result was flushed.</summary>
    public const string ClientClosed = "client_closed";

    /// <summary>No audio or keepalive arrived within the idle timeout.</summary>
    public const string IdleTimeout = "idle_timeout";

    /// <summary>No audio frame arrived within the no-audio timeout (keepalives do not count): the GPU stream is let go.</summary>
    public const string NoAudio = "no_audio";

    /// <summary>The session reached its maximum lifetime.</summary>
    public const string MaxLifetime = "max_lifetime";
}
