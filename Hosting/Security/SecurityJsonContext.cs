using System.Text.Json.Serialization;

namespace OrleansStt.Hosting.Security;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AccessRefusal))]
internal sealed partial class SecurityJsonContext : JsonSerializerContext;
