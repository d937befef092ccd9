namespace OrleansStt.Client;

/// <summary>Every field any §1.2 message may carry, so one source-generated read handles them all.</summary>
internal sealed record WireMessage
{
    public string? Type { get; init; }
    public long? Seq { get; init; }
    public string? SessionId { get; init; }
    public string? ResumeToken { get; init; }
    public string? Backend { get; init; }
    public bool? IsFinal { get; init; }

    public bool? Simulated { get; init; }
    public string? Language { get; init; }
    public string? SourceLanguage { get; init; }
    public string? Text { get; init; }
    public long? StartMs { get; init; }
    public long? EndMs { get; init; }
    public string? Code { get; init; }
    public string? Message { get; init; }
    public string? Reason { get; init; }
    public long? AudioFrames { get; init; }
    public long? AudioMs { get; init; }
}
