using System.Text.Json.Serialization;

namespace OrleansStt.Grains.Backends.Messages;

/// <summary>
/// A message from a GPU server (PROTOCOL §2.2), typed by its <c>type</c>. A message of a type this
/// gateway does not know is this base record, which readers ignore as the protocol says.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", IgnoreUnrecognizedTypeDiscriminators = true)]
[JsonDerivedType(typeof(PartialResult), "partial")]
[JsonDerivedType(typeof(FinalResult), "final")]
[JsonDerivedType(typeof(TranslationResult), "translation")]
[JsonDerivedType(typeof(ServerError), "error")]
[JsonDerivedType(typeof(StreamStopped), "stopped")]
public record BackendMessage;
