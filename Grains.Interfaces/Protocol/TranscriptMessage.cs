namespace OrleansStt.Grains.Interfaces.Protocol;

[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.transcript")]
public sealed record TranscriptMessage(
    [property: Id(0)] bool IsFinal,
    [property: Id(1)] string Language,
    [property: Id(2)] string Text,
    [property: Id(3)] long StartMs,
    [property: Id(4)] long EndMs) : ClientMessage;
