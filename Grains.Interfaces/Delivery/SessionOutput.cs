using OrleansStt.Grains.Interfaces.Protocol;

namespace OrleansStt.Grains.Interfaces.Delivery;

/// <summary>
/// One message for one client socket, addressed by its link (<see cref="Sessions.EdgeLink.Id"/>): an
/// edge drops output for a link it no longer holds.
/// <see cref="CloseStatus"/> set means the edge closes the socket with it right after writing
/// <see cref="Message"/>; with no message, it closes it without writing anything (a resume
/// elsewhere replaced it, PROTOCOL §1.3).
/// <see cref="PublishedAtUnixMs"/> is when the session sent it (wall clock, so that an edge on
/// another machine can measure delivery: NTP-synchronised hosts agree within milliseconds).
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.output")]
public sealed record SessionOutput(
    [property: Id(0)] string SessionId,
    [property: Id(1)] long Link,
    [property: Id(2)] ClientMessage? Message,
    [property: Id(3)] int? CloseStatus = null,
    [property: Id(4)] long PublishedAtUnixMs = 0);
