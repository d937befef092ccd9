using OrleansStt.Grains.Interfaces.Protocol;

namespace OrleansStt.Grains.Sessions;

/// <summary>A message the session sent, and the close status the edge ends the socket with after it, if any.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.logged-message")]
public sealed record LoggedMessage([property: Id(0)] ClientMessage Message, [property: Id(1)] int? CloseStatus);
