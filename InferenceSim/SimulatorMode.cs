namespace OrleansStt.InferenceSim;

/// <summary>What the simulator answers with.</summary>
public enum SimulatorMode
{
    /// <summary>PROTOCOL §2.4: one partial per audio frame carrying the audio position; for benchmarks.</summary>
    Echo,

    /// <summary>Deterministic words derived from the audio's energy and pitch; for functional tests.</summary>
    Speech,

    /// <summary>A real recognizer: CMU PocketSphinx with its English model, on the CPU.</summary>
    Sphinx,
}
