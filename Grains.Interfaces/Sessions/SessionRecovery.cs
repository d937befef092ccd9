namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>
/// What an edge still holds of a session whose grain was lost with its silo (PROTOCOL §1.3: silo
/// loss is invisible to the client): enough for a new activation to lease a GPU server, replay
/// the audio since the last final the client received, and go on with the next <c>seq</c>.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.session-recovery")]
public sealed record SessionRecovery(
    [property: Id(0)] SessionRequest Request,
    [property: Id(1)] EdgeLink Edge,
    [property: Id(2)] string ResumeToken,
    [property: Id(3)] long DeliveredSeq,
    [property: Id(4)] long DeliveredEndMs,
    [property: Id(5)] long DeliveredFinalEndMs,
    [property: Id(6)] long AudioFrames,
    [property: Id(7)] long ReplayStartBytes,
    [property: Id(8)] byte[] Replay,
    [property: Id(9)] bool Closing,
    [property: Id(10)] IReadOnlyList<long> PreviousLinks);
