using System.Text.Json.Serialization;

namespace OrleansStt.InferenceSim;

/// <summary>A <c>partial</c> or <c>final</c> result.</summary>
internal readonly record struct TranscriptMessage(
    [property: JsonPropertyOrder(-1)] string Type,
    string Text,
    long StartMs,
    long EndMs);
