namespace OrleansStt.Grains.Configuration;

/// <summary>The <c>Stt</c> configuration section as silos see it.</summary>
public sealed class SttOptions
{
    public const string Section = "Stt";

    /// <summary>The GPU inference servers: <c>Stt__Backends__N__Id</c>, <c>__Url</c>, <c>__Capacity</c>.</summary>
    public List<BackendOptions> Backends { get; set; } = [];

    public SessionOptions Session { get; set; } = new();

    public PoolOptions Pool { get; set; } = new();

    public DeliveryOptions Delivery { get; set; } = new();
}
