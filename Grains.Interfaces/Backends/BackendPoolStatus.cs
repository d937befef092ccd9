namespace OrleansStt.Grains.Interfaces.Backends;

/// <summary>What operators see of one GPU server (the <c>/v1/backends</c> endpoint and the Dashboard).</summary>
[GenerateSerializer, Immutable, Alias("stt.pool-status")]
public sealed record BackendPoolStatus(
    [property: Id(0)] string BackendId,
    [property: Id(1)] int Capacity,
    [property: Id(2)] int Active,
    [property: Id(3)] BackendHealth Health,
    [property: Id(4)] long Granted,
    [property: Id(5)] long Refused,
    [property: Id(6)] long Failures,
    [property: Id(7)] long Expired,
    [property: Id(10)] long Reconnects,
    [property: Id(8)] int? ServerActiveStreams,
    [property: Id(9)] string? LastProbeError)
{
    /// <summary>Takes new sessions at all.</summary>
    public bool Accepting => Health is BackendHealth.Healthy or BackendHealth.Degraded && Active < Capacity;

    /// <summary>Fraction of capacity in use, the measure "least loaded" means.</summary>
    public double Load => Capacity == 0 ? 1 : (double)Active / Capacity;
}
