namespace OrleansStt.Grains.Interfaces.Backends;

/// <summary>The right to run one recognition stream on <see cref="BackendId"/> at <see cref="StreamUri"/>.</summary>
[GenerateSerializer, Immutable, Alias("stt.lease")]
public sealed record BackendLease(
    [property: Id(0)] string BackendId,
    [property: Id(1)] Uri StreamUri);
