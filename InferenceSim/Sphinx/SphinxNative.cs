using System.Runtime.InteropServices;

namespace OrleansStt.InferenceSim.Sphinx;

/// <summary>
/// The CMU PocketSphinx 5prealpha C API (Debian's <c>libpocketsphinx3</c>), as much of it as a
/// streaming recognizer needs. The configuration is built with <c>cmd_ln_parse_r</c> rather than
/// the variadic <c>cmd_ln_init</c>, which P/Invoke cannot call.
/// </summary>
internal static partial class SphinxNative
{
    private const string PocketSphinx = "libpocketsphinx.so.3";
    private const string SphinxBase = "libsphinxbase.so.3";

    internal static bool LibrariesLoad()
    {
        foreach (var library in new[] { SphinxBase, PocketSphinx })
        {
            if (!NativeLibrary.TryLoad(library, typeof(SphinxNative).Assembly, null, out _))
            {
                return false;
            }
        }

        return true;
    }

    [LibraryImport(PocketSphinx, EntryPoint = "ps_args")]
    internal static partial nint Args();

    [LibraryImport(SphinxBase, EntryPoint = "cmd_ln_parse_r", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ParseConfig(nint existing, nint definitions, int argc, string[] argv, int strict);

    [LibraryImport(SphinxBase, EntryPoint = "cmd_ln_free_r")]
    internal static partial int FreeConfig(nint config);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_init")]
    internal static partial nint Init(nint config);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_free")]
    internal static partial int Free(nint decoder);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_start_stream")]
    internal static partial int StartStream(nint decoder);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_start_utt")]
    internal static partial int StartUtterance(nint decoder);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_end_utt")]
    internal static partial int EndUtterance(nint decoder);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_process_raw")]
    internal static unsafe partial int ProcessRaw(nint decoder, short* samples, nuint count, int noSearch, int fullUtterance);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_get_hyp")]
    internal static partial nint Hypothesis(nint decoder, nint score);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_get_in_speech")]
    internal static partial byte InSpeech(nint decoder);
}
