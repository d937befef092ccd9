using System.Text.Json.Serialization;

namespace OrleansStt.Grains.Interfaces.Protocol;

/// <summary>
/// A message from the gateway to a client on <c>/v1/listen</c> (PROTOCOL §1.2).
/// The session grain assigns <see cref="Seq"/>; the edge only serializes.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SessionMessage), "session")]
[JsonDerivedType(typeof(TranscriptMessage), "transcript")]
[JsonDerivedType(typeof(TranslationMessage), "translation")]
[JsonDerivedType(typeof(NoticeMessage), "notice")]
[JsonDerivedType(typeof(ErrorMessage), "error")]
[JsonDerivedType(typeof(ClosedMessage), "closed")]
public abstract record ClientMessage
{
    [Id(0), JsonPropertyOrder(-1)]
    public long Seq { get; init; }
}
