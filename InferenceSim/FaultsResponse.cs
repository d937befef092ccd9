using System.Text.Json.Serialization;

namespace OrleansStt.InferenceSim;

/// <summary>The flags of <see cref="SimulatorFaults"/>, as <c>/admin/faults</c> reports them.</summary>
internal readonly record struct FaultsResponse(
    bool RefuseConnections,
    bool Stall,
    int SlowMs,
    bool Sick,
    bool Draining,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Capacity)
{
    public static FaultsResponse From(SimulatorFaults faults) =>
        new(faults.RefuseConnections, faults.Stall, faults.SlowMs, faults.Sick, faults.Draining, faults.Capacity);
}
