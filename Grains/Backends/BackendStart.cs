using System.Text.Json.Serialization;

namespace OrleansStt.Grains.Backends;

/// <summary>The first frame of every backend stream (PROTOCOL §2.1).</summary>
public sealed record BackendStart(
    string SessionId,
    string Language,
    IReadOnlyList<string> Translate,
    int SampleRate,
    string Encoding)
{
    // First on the wire, for backends that read "type" before anything else.
    [JsonPropertyOrder(-1)]
    public string Type => "start";
}
