namespace OrleansStt.Grains.Interfaces.Protocol;

[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.session")]
public sealed record SessionMessage(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ResumeToken,
    [property: Id(2)] string Backend) : ClientMessage;
