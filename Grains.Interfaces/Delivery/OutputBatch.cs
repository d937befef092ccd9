namespace OrleansStt.Grains.Interfaces.Delivery;

/// <summary>Messages for many sessions of one edge, in the order their grains produced them.</summary>
/// <remarks>
/// This and every message record in it skip Orleans' reference tracking: no record is shared within
/// a batch, and tracking the records of every batch in dictionaries was ~10 % of the bytes the
/// gateway allocated (docs/benchmarks.md, "What the profiles showed").
/// </remarks>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.output-batch")]
public sealed record OutputBatch([property: Id(0)] IReadOnlyList<SessionOutput> Items);
