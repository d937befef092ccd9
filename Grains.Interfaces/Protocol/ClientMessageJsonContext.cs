using System.Text.Json.Serialization;

namespace OrleansStt.Grains.Interfaces.Protocol;

/// <summary>Source-generated serializer for the client wire format, so the edge writes JSON without reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClientMessage))]
public sealed partial class ClientMessageJsonContext : JsonSerializerContext;
