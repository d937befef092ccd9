namespace OrleansStt.InferenceSim;

/// <summary>
/// Faults in force from the start, bound from <c>Simulator:Faults</c>; <see cref="SimulatorServer.Faults"/>
/// and <c>/admin/faults</c> change them while the server runs.
/// </summary>
public sealed class SimulatorFaultOptions
{
    /// <summary>See <see cref="SimulatorFaults.RefuseConnections"/>.</summary>
    public bool RefuseConnections { get; set; }

    /// <summary>See <see cref="SimulatorFaults.Stall"/>.</summary>
    public bool Stall { get; set; }

    /// <summary>See <see cref="SimulatorFaults.SlowMs"/>.</summary>
    public int SlowMs { get; set; }

    /// <summary>See <see cref="SimulatorFaults.Sick"/>.</summary>
    public bool Sick { get; set; }

    /// <summary>See <see cref="SimulatorFaults.Draining"/>.</summary>
    public bool Draining { get; set; }

    /// <summary>See <see cref="SimulatorFaults.Capacity"/>.</summary>
    public int? Capacity { get; set; }

    internal void CopyTo(SimulatorFaultOptions target)
    {
        target.RefuseConnections = RefuseConnections;
        target.Stall = Stall;
        target.SlowMs = SlowMs;
        target.Sick = Sick;
        target.Draining = Draining;
        target.Capacity = Capacity;
    }
}
