using System.Text.Json.Serialization;

namespace OrleansStt.Client;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WireMessage))]
[JsonSerializable(typeof(RejectionBody))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
