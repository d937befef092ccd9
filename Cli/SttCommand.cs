using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using OrleansStt.Client;
using OrleansStt.CommandLine;

namespace OrleansStt.Cli;

/// <summary>Connects, streams the audio at wall-clock pace, prints every message, exits after <c>closed</c>.</summary>
internal static class SttCommand
{
    private const int ExitOk = 0;
    private const int ExitSessionFailed = 1;
    private const int ExitRefused = 2;
    private const int ExitUsage = 64;
    private const int ExitBadInput = 66;

    // How long the edge gets to flush its last results after close_stream.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        Console.OutputEncoding = Encoding.UTF8;
        CliOptions? options;
        CliAudio audio;
        try
        {
            options = CliOptions.Parse(args);
            if (options is null)
            {
                Console.WriteLine(CliOptions.Usage);
                return ExitOk;
            }

            audio = CliAudio.From(options);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"stt: {e.Message}\n\n{CliOptions.Usage}");
            return ExitUsage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // InvalidDataException (not an IOException): WavFile's message names the format found and those accepted.
            Console.Error.WriteLine($"stt: {e.Message}");
            return ExitBadInput;
        }

        using var stopAudio = new CancellationTokenSource();
        using var abort = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            if (stopAudio.IsCancellationRequested)
            {
                abort.Cancel();
            }
            else
            {
                stopAudio.Cancel();
            }
        };

        var connect = new SttConnectOptions(options.Urls[0])
        {
            Language = options.Language,
            Translate = options.Translate,
            SampleRate = audio.SampleRate,
            ApiKey = options.ApiKey,
            OtherEdges = options.Urls.Skip(1).ToList(),
            Resume = options.Resume ? new SttResumeOptions() : SttResumeOptions.Disabled,
        };

        SttSession session;
        try
        {
            session = await SttSession.ConnectAsync(connect, abort.Token);
        }
        catch (SttRejectedException e)
        {
            var reason = e.Code is null ? $"(not the protocol's JSON error) {e.Body}" : $"{e.Code}: {e.Message}";
            Console.Error.WriteLine($"stt: refused: HTTP {e.StatusCode} {reason}");
            return ExitRefused;
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException)
        {
            Console.Error.WriteLine($"stt: cannot connect to {connect.BuildUri()}: {e.Message}");
            return ExitRefused;
        }

        await using (session)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"connected to {connect.BuildUri()}; streaming {audio.Duration.TotalSeconds:0.##} s of {audio.Description} in {options.ChunkMs} ms frames"));
            using var readDeadline = CancellationTokenSource.CreateLinkedTokenSource(abort.Token);
            var reading = ReadAsync(session, readDeadline.Token, abort.Token);
            await StreamAsync(session, audio, options.ChunkMs, stopAudio.Token, abort.Token);
            readDeadline.CancelAfter(CloseTimeout);
            return await reading;
        }
    }

    private static async Task StreamAsync(SttSession session, CliAudio audio, int chunkMs, CancellationToken stopAudio, CancellationToken abort)
    {
        var chunkBytes = (int)CliAudio.BytesFor(chunkMs / 1000.0, audio.SampleRate);
        var start = Stopwatch.GetTimestamp();
        try
        {
            for (var (offset, chunk) = (0, 0); offset < audio.Pcm.Length && !stopAudio.IsCancellationRequested; offset += chunkBytes, chunk++)
            {
                // Paced against the start time, not the previous frame, so delays never accumulate.
                var wait = TimeSpan.FromMilliseconds((double)chunk * chunkMs) - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stopAudio);
                }

                await session.SendAudioAsync(audio.Pcm.AsMemory(offset, Math.Min(chunkBytes, audio.Pcm.Length - offset)), abort);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Ctrl+C twice: the reader reports it.
            return;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("stopping the audio early (Ctrl+C)");
        }
        catch (WebSocketException)
        {
            // The edge ended the session; the reader reports what it said.
            return;
        }

        try
        {
            await session.SendCloseStreamAsync(abort);
        }
        catch (WebSocketException)
        {
            // Same as above: the reader has the edge's last word.
        }
    }

    private static async Task<int> ReadAsync(SttSession session, CancellationToken cancellationToken, CancellationToken abort)
    {
        var latencies = new List<double>();
        var (closed, errors, lastSeq, simulatedTranslations) = (false, 0, 0L, false);
        try
        {
            await foreach (var message in session.ReadAllAsync(cancellationToken))
            {
                if (message.Seq != lastSeq + 1)
                {
                    Console.Error.WriteLine($"!! seq gap: expected {lastSeq + 1}, got {message.Seq}");
                }

                lastSeq = message.Seq;
                TimeSpan? latency = null;
                if (message is ResultMessage result && session.Latency.TryMeasure(result, out var measured))
                {
                    latency = measured;
                    latencies.Add(measured.TotalMilliseconds);
                }

                if (message is TranslationMessage { Simulated: true } && !simulatedTranslations)
                {
                    simulatedTranslations = true;
                    Console.Error.WriteLine("(translations marked * are simulated: the GPU server has no translation model)");
                }

                Console.WriteLine(MessageLine.Format(message, latency));
                if (message is NoticeMessage { Code: NoticeMessage.Resumed })
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"resumed on {session.Edge} after {session.LastResumeSilence?.TotalMilliseconds:0} ms without messages (resume {session.Resumes})"));
                }

                closed |= message is ClosedMessage;
                errors += message is ErrorMessage ? 1 : 0;
            }
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine(abort.IsCancellationRequested
                ? "stt: dropped the connection (Ctrl+C twice)"
                : "stt: gave up waiting for the edge to close the session");
            session.Abort();
            return ExitSessionFailed;
        }
        catch (Exception e) when (e is WebSocketException or SttProtocolException)
        {
            Console.Error.WriteLine(session.ResumeFailure is { } failure
                ? $"stt: session lost after {session.Resumes} resumes: {failure.Message}"
                : $"stt: session broken: {e.Message}");
            return ExitSessionFailed;
        }

        Console.Error.WriteLine(Summary(session, latencies));
        if (!closed)
        {
            Console.Error.WriteLine("stt: the edge closed the socket without a closed message");
        }

        return closed && errors == 0 ? ExitOk : ExitSessionFailed;
    }

    private static string Summary(SttSession session, List<double> latencies)
    {
        var close = $"socket closed {(int?)session.CloseStatus} {session.CloseStatusDescription}".TrimEnd();
        var resumes = session.Resumes == 1 ? "1 resume" : $"{session.Resumes} resumes";
        if (latencies.Count == 0)
        {
            return $"{close}; {resumes}; no results";
        }

        latencies.Sort();
        double At(double p) => latencies[(int)Math.Ceiling(p * latencies.Count) - 1];
        return string.Create(CultureInfo.InvariantCulture,
            $"{close}; {resumes}; {latencies.Count} results, latency p50 {At(0.5):0} ms, p90 {At(0.9):0} ms, max {latencies[^1]:0} ms");
    }
}
