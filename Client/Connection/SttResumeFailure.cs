namespace OrleansStt.Client;

/// <summary>Why an <see cref="SttSession"/> could not resume its session.</summary>
public enum SttResumeFailure
{
    /// <summary>Every edge answered 404 <c>session_not_found</c>: the session has ended, expired, or no longer keeps the messages after <c>last_seq</c>.</summary>
    SessionNotFound,

    /// <summary>Every edge refused with an HTTP error that retrying cannot change (400, 401), or some with that and the rest with 404.</summary>
    Rejected,

    /// <summary><see cref="SttResumeOptions.GiveUpAfter"/> passed before an edge sent <c>resumed</c>.</summary>
    TimedOut,

    /// <summary>The edge asked for audio older than <see cref="SttResumeOptions.MaxBufferedAudioBytes"/> kept.</summary>
    AudioNotBuffered,
}
