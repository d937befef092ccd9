using Orleans.Runtime;

namespace OrleansStt.Grains.Interfaces.Delivery;

/// <summary>
/// Results travel to an edge on a few Orleans streams per edge host (not one per session):
/// batching per edge keeps the number of stream events low, and spreading an edge's sessions
/// over several delivery streams lets several pulling agents deliver in parallel
/// (docs/delivery.md). A session always maps to the same delivery stream of its edge, which
/// keeps its results in order.
/// </summary>
public static class DeliveryStreams
{
    public const string ProviderName = "delivery";
    public const string Namespace = "edge-output";

    public static StreamId ForEdge(string edgeId, int index) => StreamId.Create(Namespace, $"{edgeId}/{index}");

    /// <summary>Which of <paramref name="count"/> delivery streams carries <paramref name="sessionId"/>: stable across processes, unlike string.GetHashCode.</summary>
    public static int IndexOf(string sessionId, int count)
    {
        var hash = 2166136261u;
        foreach (var c in sessionId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)count);
    }
}
