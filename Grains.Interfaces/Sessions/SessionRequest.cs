namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>
/// A validated <c>/v1/listen</c> request, the edge whose delivery streams carry the results,
/// and how many streams that edge listens on (so silos need not be configured to match).
/// </summary>
[GenerateSerializer, Immutable, Alias("stt.session-request")]
public sealed record SessionRequest(
    [property: Id(0)] string EdgeId,
    [property: Id(1)] string Language,
    [property: Id(2)] IReadOnlyList<string> Translate,
    [property: Id(3)] int SampleRate,
    [property: Id(4)] string Encoding,
    [property: Id(5)] int EdgeStreams);
