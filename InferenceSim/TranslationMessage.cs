using System.Text.Json.Serialization;

namespace OrleansStt.InferenceSim;

internal readonly record struct TranslationMessage(string Language, bool IsFinal, string Text, long StartMs, long EndMs)
{
    [JsonPropertyOrder(-1)]
    public string Type => "translation";

    /// <summary>No translation model ships with the simulator: every translation says it is a stand-in.</summary>
    public bool Simulated => true;
}
