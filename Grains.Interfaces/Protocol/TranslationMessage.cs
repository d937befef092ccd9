namespace OrleansStt.Grains.Interfaces.Protocol;

[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.translation")]
public sealed record TranslationMessage(
    [property: Id(0)] bool IsFinal,
    [property: Id(1)] string Language,
    [property: Id(2)] string SourceLanguage,
    [property: Id(3)] string Text,
    [property: Id(4)] long StartMs,
    [property: Id(5)] long EndMs) : ClientMessage
{
    /// <summary>The GPU server said its translation is a stand-in (the bundled simulator's is): shown to the client, left out when false.</summary>
    [Id(6)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Simulated { get; init; }
}
