namespace OrleansStt.InferenceSim;

/// <summary>Simulator settings, bound from the configuration section <see cref="SectionName"/>.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    public SimulatorMode Mode { get; set; } = SimulatorMode.Speech;

    /// <summary>
    /// A PocketSphinx stream costs 0.39 CPU-seconds per second of audio (docs/protocol.md §4.6,
    /// measured on 2 vCPUs), so a core carries two real-time streams with room for the rest of the server.
    /// </summary>
    public const int SphinxStreamsPerCore = 2;

    private const int SimulatedCapacity = 16;

    /// <summary>
    /// Maximum concurrent recognition streams; a <c>start</c> beyond it is refused with close code 1013.
    /// Unset: <see cref="SphinxStreamsPerCore"/> per core in Sphinx mode, 16 otherwise.
    /// </summary>
    public int? Capacity { get; set; }

    /// <summary>The capacity this server applies: <see cref="Capacity"/>, or the mode's default.</summary>
    public int EffectiveCapacity => Capacity ?? (Mode == SimulatorMode.Sphinx
        ? SphinxStreamsPerCore * Environment.ProcessorCount
        : SimulatedCapacity);

    /// <summary>Delay between the arrival of the audio or command that produced a result and the result's send.</summary>
    public int ProcessingDelayMs { get; set; }

    /// <summary>Speech mode: analysis window length.</summary>
    public int WindowMs { get; set; } = 20;

    /// <summary>Speech mode: a window whose RMS reaches this (in sample units) is voiced.</summary>
    public int VoicedRms { get; set; } = 500;

    /// <summary>Speech mode: voiced audio per recognised word; a multiple of <see cref="WindowMs"/>.</summary>
    public int WordMs { get; set; } = 200;

    /// <summary>Speech mode: unvoiced audio that ends an utterance; a multiple of <see cref="WindowMs"/>.</summary>
    public int SilenceToFinalMs { get; set; } = 300;

    /// <summary>Sphinx mode: the PocketSphinx model directory (Debian's <c>pocketsphinx-en-us</c>).</summary>
    public string SphinxModel { get; set; } = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>
    /// Serve the unauthenticated fault-injection API under <c>/admin/</c>. Off by default: anyone who can reach
    /// the port could otherwise make this server look broken. In-process, <see cref="SimulatorServer.Faults"/>
    /// works either way.
    /// </summary>
    public bool AdminApi { get; set; }

    /// <summary>Whether Sphinx mode can run: PocketSphinx's libraries and the model at <see cref="SphinxModel"/> are installed.</summary>
    public bool SphinxInstalled => Sphinx.SphinxDecoder.ModelInstalled(SphinxModel) && Sphinx.SphinxDecoder.LibrariesInstalled();

    /// <summary>BCP 47 tags a <c>start</c>'s <c>language</c> must be one of (case-insensitive); empty accepts any.</summary>
    public IList<string> Languages { get; } = [];

    /// <summary>BCP 47 tags every <c>translate</c> target must be one of (case-insensitive); empty accepts any.</summary>
    public IList<string> TranslationLanguages { get; } = [];

    /// <summary>Faults injected from the start (section <c>Simulator:Faults</c>); all off by default.</summary>
    public SimulatorFaultOptions Faults { get; } = new();

    // The in-process server snapshots the caller's instance so later mutations cannot reach a running server.
    internal void CopyTo(SimulatorOptions target)
    {
        target.Mode = Mode;
        target.Capacity = Capacity;
        target.ProcessingDelayMs = ProcessingDelayMs;
        target.WindowMs = WindowMs;
        target.VoicedRms = VoicedRms;
        target.WordMs = WordMs;
        target.SilenceToFinalMs = SilenceToFinalMs;
        target.SphinxModel = SphinxModel;
        target.AdminApi = AdminApi;
        CopyList(Languages, target.Languages);
        CopyList(TranslationLanguages, target.TranslationLanguages);
        Faults.CopyTo(target.Faults);
    }

    private static void CopyList(IList<string> source, IList<string> target)
    {
        target.Clear();
        foreach (var item in source)
        {
            target.Add(item);
        }
    }
}
