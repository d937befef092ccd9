namespace OrleansStt.Grains.Interfaces.Protocol;

[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.notice")]
public sealed record NoticeMessage(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message) : ClientMessage
{
    /// <summary>For <c>backend_switched</c>: the GPU server the session continues on.</summary>
    [Id(2)]
    public string? Backend { get; init; }
}
