using OrleansStt.InferenceSim;

namespace OrleansStt.EdgeHost.Embedded;

/// <summary>
/// The <c>Stt:Simulated</c> section: the in-process GPU servers the embedded gateway starts
/// when no <c>Stt:Backends</c> are configured, so a newcomer needs nothing else running.
/// </summary>
public sealed class SimulatedFleetOptions
{
    public const string Section = "Stt:Simulated";

    private const int SimulatedCapacity = 500;

    public int Count { get; set; } = 2;

    /// <summary>Per server. Unset: 500 simulated streams, or the machine's real-time PocketSphinx streams shared among the servers.</summary>
    public int? Capacity { get; set; }

    /// <summary>Unset: the real recognizer (<see cref="SimulatorMode.Sphinx"/>) when PocketSphinx and its model are installed, else <see cref="SimulatorMode.Speech"/>.</summary>
    public SimulatorMode? Mode { get; set; }

    public int ProcessingDelayMs { get; set; }

    public SimulatorMode ModeFor(bool sphinxInstalled) => Mode ?? (sphinxInstalled ? SimulatorMode.Sphinx : SimulatorMode.Speech);

    /// <summary>Per server. The servers share this machine's cores, so in Sphinx mode they share its real-time streams.</summary>
    public int CapacityFor(SimulatorMode mode, int cores) => Capacity ?? (mode == SimulatorMode.Sphinx
        ? Math.Max(1, SimulatorOptions.SphinxStreamsPerCore * cores / Math.Max(1, Count))
        : SimulatedCapacity);
}
