namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>A validated <c>/v1/listen</c> request and the edge whose delivery stream carries the results.</summary>
[GenerateSerializer, Immutable, Alias("stt.session-request")]
public sealed record SessionRequest(
    [property: Id(0)] string EdgeId,
    [property: Id(1)] string Language,
    [property: Id(2)] IReadOnlyList<string> Translate,
    [property: Id(3)] int SampleRate,
    [property: Id(4)] string Encoding);
