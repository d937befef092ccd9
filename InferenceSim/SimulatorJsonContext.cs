using System.Text.Json.Serialization;

namespace OrleansStt.InferenceSim;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StreamCommand))]
[JsonSerializable(typeof(TranscriptMessage))]
[JsonSerializable(typeof(TranslationMessage))]
[JsonSerializable(typeof(ErrorMessage))]
[JsonSerializable(typeof(StoppedMessage))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(FaultsResponse))]
[JsonSerializable(typeof(FaultsUpdate))]
[JsonSerializable(typeof(FailStreamsRequest))]
[JsonSerializable(typeof(AdminError))]
internal sealed partial class SimulatorJsonContext : JsonSerializerContext;
