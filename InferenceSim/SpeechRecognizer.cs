using System.Buffers.Binary;
using System.Text;

namespace OrleansStt.InferenceSim;

/// <summary>
/// A deterministic stand-in for a speech model, so tests can assert exact transcripts: window energy
/// gates utterances, and the zero-crossing rate of every WordMs of voiced audio picks a number word
/// (a 500 Hz tone reads "five"). Positions are kept in samples and converted to ms only when emitted.
/// </summary>
internal sealed class SpeechRecognizer : IRecognizer
{
    private static readonly string[] Vocabulary =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven",
        "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    ];

    private readonly int sampleRate;
    private readonly int windowSamples;
    private readonly long voicedSumOfSquares;
    private readonly int windowsPerWord;
    private readonly int silentWindowsToFinal;
    private readonly StringBuilder transcript = new();

    // Frames may split a sample; the low byte waits here for its high byte.
    private int pendingLowByte = -1;
    private short previousSample;

    private int windowFill;
    private long windowSumOfSquares;
    private int windowCrossings;
    private long analysedSamples;

    private bool inUtterance;
    private long utteranceStart;
    private long lastVoicedEnd;
    private int silentWindows;
    private int wordWindows;
    private int wordCrossings;

    public SpeechRecognizer(int sampleRate, SimulatorOptions options)
    {
        this.sampleRate = sampleRate;
        windowSamples = Math.Max(1, sampleRate * options.WindowMs / 1000);
        // Comparing sums of squares avoids a square root per window.
        voicedSumOfSquares = (long)options.VoicedRms * options.VoicedRms * windowSamples;
        windowsPerWord = options.WordMs / options.WindowMs;
        silentWindowsToFinal = options.SilenceToFinalMs / options.WindowMs;
    }

    public void OnAudio(ReadOnlySpan<byte> audio, bool endOfMessage, IResultSink sink)
    {
        if (audio.IsEmpty)
        {
            return;
        }

        if (pendingLowByte >= 0)
        {
            AddSample((short)(pendingLowByte | (audio[0] << 8)), sink);
            pendingLowByte = -1;
            audio = audio[1..];
        }

        var wholeSampleBytes = audio.Length & ~1;
        for (var i = 0; i < wholeSampleBytes; i += 2)
        {
            AddSample(BinaryPrimitives.ReadInt16LittleEndian(audio.Slice(i, 2)), sink);
        }

        if (wholeSampleBytes < audio.Length)
        {
            pendingLowByte = audio[wholeSampleBytes];
        }
    }

    public void OnFinalize(IResultSink sink) => EndUtterance(sink);

    public void OnStop(IResultSink sink) => EndUtterance(sink);

    private void AddSample(short sample, IResultSink sink)
    {
        if ((sample < 0) != (previousSample < 0))
        {
            windowCrossings++;
        }

        previousSample = sample;
        windowSumOfSquares += sample * sample;
        if (++windowFill == windowSamples)
        {
            CompleteWindow(sink);
        }
    }

    private void CompleteWindow(IResultSink sink)
    {
        analysedSamples += windowSamples;
        var voiced = windowSumOfSquares >= voicedSumOfSquares;
        var crossings = windowCrossings;
        windowFill = 0;
        windowSumOfSquares = 0;
        windowCrossings = 0;

        if (voiced)
        {
            AddVoicedWindow(crossings, sink);
        }
        else if (inUtterance && ++silentWindows == silentWindowsToFinal)
        {
            EndUtterance(sink);
        }
    }

    private void AddVoicedWindow(int crossings, IResultSink sink)
    {
        if (!inUtterance)
        {
            inUtterance = true;
            utteranceStart = analysedSamples - windowSamples;
        }

        silentWindows = 0;
        lastVoicedEnd = analysedSamples;
        wordCrossings += crossings;
        if (++wordWindows < windowsPerWord)
        {
            return;
        }

        if (transcript.Length > 0)
        {
            transcript.Append(' ');
        }

        transcript.Append(Vocabulary[WordIndex(wordCrossings)]);
        wordWindows = 0;
        wordCrossings = 0;
        sink.Emit(isFinal: false, transcript.ToString(), ToMs(utteranceStart), ToMs(analysedSamples));
    }

    // Voiced audio shorter than one word never produced text, so it ends without a final.
    private void EndUtterance(IResultSink sink)
    {
        if (transcript.Length > 0)
        {
            sink.Emit(isFinal: true, transcript.ToString(), ToMs(utteranceStart), ToMs(lastVoicedEnd));
        }

        inUtterance = false;
        transcript.Clear();
        silentWindows = 0;
        wordWindows = 0;
        wordCrossings = 0;
    }

    // A tone of f Hz crosses zero 2f times a second, so the word's crossings give its pitch.
    private int WordIndex(int crossings)
    {
        var voicedSeconds = (double)windowsPerWord * windowSamples / sampleRate;
        var frequency = crossings / 2.0 / voicedSeconds;
        var index = (int)Math.Round(frequency / 100, MidpointRounding.AwayFromZero);
        return Math.Clamp(index, 0, Vocabulary.Length - 1);
    }

    private long ToMs(long samples) => samples * 1000 / sampleRate;
}
