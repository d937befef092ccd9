using System.Text.Json.Serialization;

namespace OrleansStt.LoadTest;

/// <summary>PROTOCOL.md §2.1: the first frame of every stream.</summary>
internal sealed record BackendStart(string Type, string SessionId, string Language, IReadOnlyList<string> Translate, int SampleRate, string Encoding);

/// <summary>Every field any §2.2 message may carry, so one source-generated read handles them all.</summary>
internal sealed record BackendMessage
{
    public string? Type { get; init; }
    public string? Text { get; init; }
    public long? StartMs { get; init; }
    public long? EndMs { get; init; }
    public string? Language { get; init; }
    public bool? IsFinal { get; init; }
    public string? Message { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(BackendStart))]
[JsonSerializable(typeof(BackendMessage))]
internal sealed partial class BackendJsonContext : JsonSerializerContext;
