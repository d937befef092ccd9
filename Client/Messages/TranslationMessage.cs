namespace OrleansStt.Client;

public sealed record TranslationMessage(bool IsFinal, string Language, string SourceLanguage, string Text, long StartMs, long EndMs)
    : ResultMessage(IsFinal, Language, Text, StartMs, EndMs)
{
    public override string Type => "translation";

    /// <summary>Made by a stand-in, not a translation model (the bundled GPU server simulates translation).</summary>
    public bool Simulated { get; init; }
}
