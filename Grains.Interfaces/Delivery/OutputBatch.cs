namespace OrleansStt.Grains.Interfaces.Delivery;

/// <summary>Messages for many sessions of one edge, in the order their grains produced them.</summary>
/// <remarks>
/// This and every message type in it skip Orleans' reference tracking: no object is shared within a
/// batch, and tracking the dozens of objects of every batch in a dictionary was ~10 % of the bytes
/// the gateway allocated (docs/benchmarks.md).
/// </remarks>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.output-batch")]
public sealed record OutputBatch([property: Id(0)] IReadOnlyList<SessionOutput> Items);
