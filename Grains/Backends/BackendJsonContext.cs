using System.Text.Json.Serialization;
using OrleansStt.Grains.Backends.Messages;

namespace OrleansStt.Grains.Backends;

// Out-of-order metadata: a server may write "type" after the other fields.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(BackendStart))]
[JsonSerializable(typeof(BackendMessage))]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class BackendJsonContext : JsonSerializerContext;
