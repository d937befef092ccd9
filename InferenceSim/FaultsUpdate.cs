using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansStt.InferenceSim;

/// <summary>
/// A <c>PUT /admin/faults</c> body: absent (or null) fields stay as they are, except that a null
/// <c>capacity</c> removes the override. Unknown fields are refused, so a misspelt fault cannot pass
/// for an applied one.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class FaultsUpdate
{
    public bool? RefuseConnections { get; init; }

    public bool? Stall { get; init; }

    public int? SlowMs { get; init; }

    public bool? Sick { get; init; }

    public bool? Draining { get; init; }

    /// <summary>A JsonElement because absent (<see cref="JsonValueKind.Undefined"/>) and null mean different things.</summary>
    public JsonElement Capacity { get; init; }

    /// <summary>Why the update cannot be applied, or null when it can.</summary>
    public string? Problem()
    {
        if (SlowMs < 0)
        {
            return $"slow_ms must be at least 0 (got {SlowMs})";
        }

        return Capacity.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.Number when Capacity.TryGetInt32(out var capacity) && capacity >= 1 => null,
            _ => $"capacity must be an integer of at least 1, or null to remove the override (got {Capacity.GetRawText()})",
        };
    }

    /// <summary>Applies a valid update (see <see cref="Problem"/>).</summary>
    public void ApplyTo(SimulatorFaults faults)
    {
        if (RefuseConnections is { } refuseConnections)
        {
            faults.RefuseConnections = refuseConnections;
        }

        if (Stall is { } stall)
        {
            faults.Stall = stall;
        }

        if (SlowMs is { } slowMs)
        {
            faults.SlowMs = slowMs;
        }

        if (Sick is { } sick)
        {
            faults.Sick = sick;
        }

        if (Draining is { } draining)
        {
            faults.Draining = draining;
        }

        if (Capacity.ValueKind != JsonValueKind.Undefined)
        {
            faults.Capacity = Capacity.ValueKind == JsonValueKind.Null ? null : Capacity.GetInt32();
        }
    }
}
