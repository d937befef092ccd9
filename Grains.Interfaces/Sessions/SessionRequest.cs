namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>A validated <c>/v1/listen</c> request: what the session asks of its GPU server.</summary>
[GenerateSerializer, Immutable, Alias("stt.session-request")]
public sealed record SessionRequest(
    [property: Id(0)] string Language,
    [property: Id(1)] IReadOnlyList<string> Translate,
    [property: Id(2)] int SampleRate,
    [property: Id(3)] string Encoding);
