namespace OrleansStt.Grains.Interfaces.Backends;

/// <summary>
/// The right to run one recognition stream on <see cref="BackendId"/> at <see cref="StreamUri"/>,
/// valid for <see cref="RenewEvery"/> × 3 unless renewed.
/// </summary>
[GenerateSerializer, Immutable, Alias("stt.lease")]
public sealed record BackendLease(
    [property: Id(0)] string BackendId,
    [property: Id(1)] Uri StreamUri,
    [property: Id(2)] TimeSpan RenewEvery);
