namespace OrleansStt.Grains.Interfaces.Protocol;

[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.translation")]
public sealed record TranslationMessage(
    [property: Id(0)] bool IsFinal,
    [property: Id(1)] string Language,
    [property: Id(2)] string SourceLanguage,
    [property: Id(3)] string Text,
    [property: Id(4)] long StartMs,
    [property: Id(5)] long EndMs) : ClientMessage;
