namespace OrleansStt.Grains.Interfaces.Delivery;

/// <summary>Messages for many sessions of one edge, in the order their grains produced them.</summary>
[GenerateSerializer, Immutable, Alias("stt.output-batch")]
public sealed record OutputBatch([property: Id(0)] IReadOnlyList<SessionOutput> Items);
