using System.Text.Json.Serialization;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Hosting.Operations;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<BackendPoolStatus>))]
[JsonSerializable(typeof(BackendPoolStatus))]
internal sealed partial class OperationsJsonContext : JsonSerializerContext;
