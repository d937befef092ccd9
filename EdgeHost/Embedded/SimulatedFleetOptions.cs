using OrleansStt.InferenceSim;

namespace OrleansStt.EdgeHost.Embedded;

/// <summary>
/// The <c>Stt:Simulated</c> section: the in-process GPU servers the embedded gateway starts
/// when no <c>Stt:Backends</c> are configured, so a newcomer needs nothing else running.
/// </summary>
public sealed class SimulatedFleetOptions
{
    public const string Section = "Stt:Simulated";

    public int Count { get; set; } = 2;

    public int Capacity { get; set; } = 500;

    public SimulatorMode Mode { get; set; } = SimulatorMode.Speech;

    public int ProcessingDelayMs { get; set; }
}
