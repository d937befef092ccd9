using System.Text.Json.Serialization;

namespace OrleansStt.EdgeHost.Listen;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ClientCommand))]
[JsonSerializable(typeof(Refusal))]
[JsonSerializable(typeof(TokenGrant))]
[JsonSerializable(typeof(EdgeHealth))]
[JsonSerializable(typeof(Captions.CaptionsConfig))]
internal sealed partial class EdgeJsonContext : JsonSerializerContext;
