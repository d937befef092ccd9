using OrleansStt.Grains.Interfaces.Sessions;

namespace OrleansStt.Grains.Sessions;

/// <summary>
/// What a streaming session carries to another silo when its own shuts down (live grain
/// migration): everything but the GPU stream, which the new activation opens anew and replays to.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.session-snapshot")]
public sealed record SessionSnapshot(
    [property: Id(0)] SessionRequest Request,
    [property: Id(1)] EdgeLink? Link,
    [property: Id(2)] string ResumeToken,
    [property: Id(3)] long LastSeq,
    [property: Id(4)] IReadOnlyList<LoggedMessage> Log,
    [property: Id(5)] long CoveredMs,
    [property: Id(6)] long FinalEndMs,
    [property: Id(7)] long AudioFrames,
    [property: Id(8)] long ReplayStartBytes,
    [property: Id(9)] byte[] Replay,
    [property: Id(10)] bool Closing,
    [property: Id(11)] bool FinalizePending,
    [property: Id(12)] int Switches);
