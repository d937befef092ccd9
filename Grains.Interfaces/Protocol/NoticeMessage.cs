namespace OrleansStt.Grains.Interfaces.Protocol;

[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.notice")]
public sealed record NoticeMessage(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message) : ClientMessage
{
    /// <summary>For <c>backend_switched</c>: the GPU server the session continues on.</summary>
    [Id(2)]
    public string? Backend { get; init; }

    /// <summary>For <c>resumed</c>: binary audio frames the session has accepted; the client re-sends from this frame on.</summary>
    [Id(3)]
    public long? AudioFrames { get; init; }

    /// <summary>For <c>resumed</c>: the audio length of those frames in ms.</summary>
    [Id(4)]
    public long? AudioMs { get; init; }
}
