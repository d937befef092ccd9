using System.Runtime.InteropServices;

namespace OrleansStt.InferenceSim.Sphinx;

/// <summary>One PocketSphinx decoder: an acoustic model, a language model and a dictionary in memory, one utterance at a time.</summary>
internal sealed class SphinxDecoder : IDisposable
{
    private readonly nint _config;
    private nint _decoder;

    private SphinxDecoder(nint config, nint decoder)
    {
        _config = config;
        _decoder = decoder;
    }

    /// <summary>Loads the model under <paramref name="modelDirectory"/> (Debian's <c>pocketsphinx-en-us</c> layout).</summary>
    public static SphinxDecoder Load(string modelDirectory, int sampleRate)
    {
        string[] arguments =
        [
            "-hmm", Path.Combine(modelDirectory, "en-us"),
            "-lm", Path.Combine(modelDirectory, "en-us.lm.bin"),
            "-dict", Path.Combine(modelDirectory, "cmudict-en-us.dict"),
            "-samprate", sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-logfn", "/dev/null",
        ];
        var config = SphinxNative.ParseConfig(0, SphinxNative.Args(), arguments.Length, arguments, 1);
        if (config == 0)
        {
            throw new InvalidOperationException($"PocketSphinx refused its configuration for the model in {modelDirectory}.");
        }

        var decoder = SphinxNative.Init(config);
        if (decoder == 0)
        {
            SphinxNative.FreeConfig(config);
            throw new InvalidOperationException($"PocketSphinx could not load the model in {modelDirectory}.");
        }

        return new SphinxDecoder(config, decoder);
    }

    /// <summary>Whether the model a decoder needs is installed under <paramref name="modelDirectory"/>.</summary>
    public static bool ModelInstalled(string modelDirectory) =>
        File.Exists(Path.Combine(modelDirectory, "en-us.lm.bin")) && File.Exists(Path.Combine(modelDirectory, "cmudict-en-us.dict"));

    /// <summary>Whether PocketSphinx's shared libraries load.</summary>
    public static bool LibrariesInstalled() => SphinxNative.LibrariesLoad();

    /// <summary>A new audio stream: the noise level and cepstral mean learnt from the previous one are forgotten.</summary>
    public void StartStream() => Check(SphinxNative.StartStream(_decoder), "ps_start_stream");

    public void StartUtterance() => Check(SphinxNative.StartUtterance(_decoder), "ps_start_utt");

    public void EndUtterance() => Check(SphinxNative.EndUtterance(_decoder), "ps_end_utt");

    public unsafe void Process(ReadOnlySpan<short> samples)
    {
        fixed (short* first = samples)
        {
            Check(SphinxNative.ProcessRaw(_decoder, first, (nuint)samples.Length, 0, 0), "ps_process_raw");
        }
    }

    /// <summary>The words recognized so far in this utterance ("" when none).</summary>
    public string Hypothesis() => Marshal.PtrToStringUTF8(SphinxNative.Hypothesis(_decoder, 0)) ?? "";

    public bool InSpeech => SphinxNative.InSpeech(_decoder) != 0;

    public void Dispose()
    {
        if (_decoder != 0)
        {
            SphinxNative.Free(_decoder);
            SphinxNative.FreeConfig(_config);
            _decoder = 0;
        }
    }

    private static void Check(int result, string call)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"PocketSphinx {call} failed ({result}).");
        }
    }
}
