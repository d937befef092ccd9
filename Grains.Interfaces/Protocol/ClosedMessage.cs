namespace OrleansStt.Grains.Interfaces.Protocol;

[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.closed")]
public sealed record ClosedMessage([property: Id(0)] string Reason) : ClientMessage;
