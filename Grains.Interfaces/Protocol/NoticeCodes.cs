namespace OrleansStt.Grains.Interfaces.Protocol;

/// <summary>The <c>code</c> values of <c>notice</c> messages: informational, the session goes on.</summary>
public static class NoticeCodes
{
    /// <summary>The session moved to another GPU server without losing audio.</summary>
    public const string BackendSwitched = "backend_switched";

    /// <summary>This edge is going away: reconnect with resume.</summary>
    public const string Draining = "draining";

    /// <summary>A resume was accepted: re-send audio from frame <c>audio_frames</c> on.</summary>
    public const string Resumed = "resumed";
}
