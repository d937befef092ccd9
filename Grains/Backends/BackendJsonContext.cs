using System.Text.Json.Serialization;

namespace OrleansStt.Grains.Backends;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(BackendStart))]
[JsonSerializable(typeof(BackendResult))]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class BackendJsonContext : JsonSerializerContext;
