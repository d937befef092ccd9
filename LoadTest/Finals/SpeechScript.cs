using OrleansStt.Client;

namespace OrleansStt.LoadTest;

/// <summary>
/// The finals a speech-mode simulator (InferenceSim's SpeechRecognizer with its defaults) must produce
/// for the first N bytes of <see cref="FrameSource"/>'s audio. It analyses 20 ms windows from the stream's
/// start and makes a word of every 200 ms of voiced windows (500 Hz reads "five", 300 Hz "three"); an
/// utterance ends in a final after 300 ms of silence or, cut by close_stream, is flushed as one if it has
/// a whole word. Every tone of <see cref="Pcm.SpeechPattern"/> starts on a window boundary, so the count
/// of words, including those of the utterance cut by close_stream, is exact integer arithmetic.
/// </summary>
internal static class SpeechScript
{
    private const int SampleRate = LoadTestOptions.SampleRate;
    private const long WindowSamples = 20 * SampleRate / 1000;
    private const long WordSamples = 200 * SampleRate / 1000;
    private const long CycleSamples = (long)Pcm.SpeechPatternCycleMs * SampleRate / 1000;

    // Pcm.SpeechPattern's tones within one cycle; the silences between them (400 ms) outlast the 300 ms that end an utterance.
    private static readonly Tone[] PatternTones =
    [
        new(0, 1000 * SampleRate / 1000, "five"),
        new(1400 * SampleRate / 1000, 600 * SampleRate / 1000, "three"),
    ];

    /// <param name="audio">pattern or tone, as <see cref="FrameSource"/> takes it.</param>
    /// <param name="bytesSent">pcm_s16le bytes sent; a trailing odd byte is half a sample nobody analyses.</param>
    public static IReadOnlyList<ExpectedFinal> Expected(string audio, long bytesSent)
    {
        var sent = bytesSent / 2;
        var finals = new List<ExpectedFinal>();
        if (audio == "tone")
        {
            // One endless 500 Hz utterance: never ended by silence, flushed whole by close_stream.
            Add(finals, 0, sent, "five");
            return finals;
        }

        for (var cycle = 0L; cycle < sent; cycle += CycleSamples)
        {
            foreach (var tone in PatternTones)
            {
                var start = cycle + tone.Offset;
                if (start < sent)
                {
                    Add(finals, start, Math.Min(tone.Length, sent - start), tone.Word);
                }
            }
        }

        return finals;
    }

    private static void Add(List<ExpectedFinal> finals, long start, long voiced, string word)
    {
        var words = (int)(voiced / WordSamples);
        if (words == 0)
        {
            // Voiced audio shorter than one word never produced text, so it ends without a final.
            return;
        }

        // The simulator ends a final at its last whole voiced window.
        var end = start + voiced / WindowSamples * WindowSamples;
        finals.Add(new ExpectedFinal(string.Join(' ', Enumerable.Repeat(word, words)), ToMs(start), ToMs(end)));
    }

    private static long ToMs(long samples) => samples * 1000 / SampleRate;

    private readonly record struct Tone(long Offset, long Length, string Word);
}
