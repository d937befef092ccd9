using System.Text.Json.Serialization;

namespace OrleansStt.InferenceSim;

/// <summary><c>GET /health</c>; an absent <see cref="Languages"/> or <see cref="TranslationLanguages"/> means any.</summary>
internal readonly record struct HealthResponse(
    string Status,
    int ActiveStreams,
    int Capacity,
    IReadOnlyList<string> Encodings,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Languages,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TranslationLanguages);
