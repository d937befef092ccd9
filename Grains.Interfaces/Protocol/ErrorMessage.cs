namespace OrleansStt.Grains.Interfaces.Protocol;

[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.error")]
public sealed record ErrorMessage(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message) : ClientMessage;
