using System.Text.Json.Serialization;

namespace OrleansStt.LoadTest;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NoticeFields))]
internal sealed partial class NoticeJsonContext : JsonSerializerContext;
