using OrleansStt.CommandLine;

namespace OrleansStt.Cli;

internal sealed record CliOptions(
    IReadOnlyList<Uri> Urls,
    string? WavPath,
    double? ToneHz,
    double? Seconds,
    IReadOnlyList<string> Translate,
    string Language,
    int ChunkMs,
    string? ApiKey,
    bool Resume)
{
    public const string Usage = """
        stt — stream audio to an OrleansStt edge (/v1/listen) and print every message as it arrives.

        usage: stt [--url ws://127.0.0.1:5000/v1/listen[,ws://…]] [--wav FILE.wav | --tone HZ] [--seconds N]
                   [--translate ja,de] [--language en] [--chunk-ms 50] [--api-key KEY] [--no-resume]

          --url URLS        edge endpoint (default ws://127.0.0.1:5000/v1/listen); a comma-separated
                            list names more edges, which a resume tries in turn after the first
          --wav FILE        a PCM WAV file: 8-bit unsigned, 16/24/32-bit integer or 32/64-bit float samples,
                            any channels (averaged to mono), any rate (resampled to 16 kHz, the rate sent)
          --tone HZ         a sine tone at 16 kHz instead
                            (default audio: a speech-like pattern of 500 Hz / silence / 300 Hz / silence,
                            which the speech simulation reads as words and a real recognizer does not)
          --seconds N       audio length; for --wav, cuts the file (default 4, whole file for --wav)
          --translate LIST  comma-separated target languages
          --language LANG   spoken language (default en)
          --chunk-ms MS     audio per binary frame, sent at wall-clock pace (default 50)
          --api-key KEY     sent as Authorization: Bearer KEY
          --no-resume       end with the connection instead of resuming the session on a new one
                            (a resume follows a dropped connection or a draining edge; a line on
                            stderr reports each)
          --help            this text

        Ctrl+C once stops the audio and closes the stream politely; twice drops the connection.
        Exit codes: 0 closed cleanly, 1 error or broken session, 2 refused or unreachable, 64 bad usage, 66 bad audio file.
        """;

    /// <returns>Null when --help was asked for.</returns>
    public static CliOptions? Parse(string[] args)
    {
        var reader = new ArgumentReader(args);
        if (reader.Flag("help"))
        {
            return null;
        }

        var options = new CliOptions(
            reader.Uris("url", "ws://127.0.0.1:5000/v1/listen"),
            reader.String("wav"),
            reader.Double("tone"),
            reader.Double("seconds"),
            reader.List("translate"),
            reader.String("language", "en"),
            reader.Int("chunk-ms", 50),
            reader.String("api-key"),
            !reader.Flag("no-resume"));
        reader.EnsureAllRead();

        if (options.WavPath is not null && options.ToneHz is not null)
        {
            throw new UsageException("Give --wav or --tone, not both.");
        }

        if (options.ToneHz is <= 0)
        {
            throw new UsageException("--tone must be a positive frequency.");
        }

        if (options.Seconds is <= 0)
        {
            throw new UsageException("--seconds must be positive.");
        }

        if (options.ChunkMs <= 0)
        {
            throw new UsageException("--chunk-ms must be positive.");
        }

        return options;
    }
}
