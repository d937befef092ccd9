namespace OrleansStt.Client;

/// <summary>Informational; the session goes on (<c>backend_switched</c>, <c>draining</c>, <c>resumed</c>).</summary>
public sealed record NoticeMessage(string Code, string Message) : ServerMessage
{
    /// <summary>The edge is going away; an <see cref="SttSession"/> moves the session to another edge by itself.</summary>
    public const string Draining = "draining";

    /// <summary>A resume was accepted (PROTOCOL.md §1.3); the one notice without a message.</summary>
    public const string Resumed = "resumed";

    public override string Type => "notice";

    /// <summary>For <c>resumed</c>: the audio frames the session has accepted, counted from 0 over the whole session.</summary>
    public long? AudioFrames { get; init; }

    /// <summary>For <c>resumed</c>: the audio length of <see cref="AudioFrames"/> in ms.</summary>
    public long? AudioMs { get; init; }
}
