using Orleans.Runtime;

namespace OrleansStt.Grains.Interfaces.Delivery;

/// <summary>
/// Results travel to an edge on one Orleans stream per edge host (not per session):
/// batching per edge is what keeps stream delivery sub-second under load (docs/delivery.md).
/// </summary>
public static class DeliveryStreams
{
    public const string ProviderName = "delivery";
    public const string Namespace = "edge-output";

    public static StreamId ForEdge(string edgeId) => StreamId.Create(Namespace, edgeId);
}
