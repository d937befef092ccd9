using OrleansStt.Grains.Interfaces.Protocol;

namespace OrleansStt.Grains.Interfaces.Delivery;

/// <summary>
/// One message for one client socket. <see cref="CloseStatus"/> set means the edge closes
/// the socket with it right after writing <see cref="Message"/>.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.output")]
public sealed record SessionOutput(
    [property: Id(0)] string SessionId,
    [property: Id(1)] ClientMessage Message,
    [property: Id(2)] int? CloseStatus = null);
