namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>
/// One client audio frame, from the client socket of link <paramref name="Link"/> (see <see cref="EdgeLink"/>).
/// <paramref name="Offset"/> is the session position of its first byte (bytes since the session's
/// first audio byte): frames sent one-way may arrive out of order, and the session puts them back
/// in order by it. Immutable so that Orleans passes it without a copy inside a silo; the sender
/// must not reuse the array.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.audio")]
public sealed record AudioChunk([property: Id(0)] byte[] Bytes, [property: Id(1)] long Link, [property: Id(2)] long Offset);
