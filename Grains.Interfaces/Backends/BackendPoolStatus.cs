namespace OrleansStt.Grains.Interfaces.Backends;

[GenerateSerializer, Immutable, Alias("stt.pool-status")]
public sealed record BackendPoolStatus(
    [property: Id(0)] string BackendId,
    [property: Id(1)] int Capacity,
    [property: Id(2)] int Active,
    [property: Id(3)] long Granted,
    [property: Id(4)] long Refused);
