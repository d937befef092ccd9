namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>
/// One client audio frame. Immutable so that Orleans passes it without a copy inside a silo;
/// the sender must not reuse the array.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.audio")]
public sealed record AudioChunk([property: Id(0)] byte[] Bytes);
