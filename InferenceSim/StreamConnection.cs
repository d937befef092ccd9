using System.Net.WebSockets;
using System.Text.Json;

namespace OrleansStt.InferenceSim;

/// <summary>
/// One accepted <c>/v1/stream</c> socket (PROTOCOL §2): at most one recognition stream at a time, and
/// reusable after <c>stopped</c>. All stream state is touched by the receive loop alone.
/// </summary>
internal sealed partial class StreamConnection : IResultSink, IDisposable
{
    // Audio is handled chunk by chunk, so this bounds only text frames. Below the large-object threshold.
    private const int ReceiveBufferBytes = 64 * 1024;
    private const int DefaultSampleRate = 16_000;
    private const int MinSampleRate = 8_000;
    private const int MaxSampleRate = 192_000;

    // RFC 6455 registry code 1013 "Try Again Later"; WebSocketCloseStatus has no name for it.
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    private readonly WebSocket socket;
    private readonly SimulatorOptions options;
    private readonly SimulatorStats stats;
    private readonly SimulatorFaults faults;
    private readonly SimulatorCapabilities capabilities;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly OutboundQueue outbound;

    private readonly Sphinx.SphinxDecoderPool decoders;
    private IRecognizer? recognizer;
    private string[] translations = [];
    private string? sessionId;

    // When the results being produced right now may be sent.
    private long resultDue;

    public StreamConnection(
        WebSocket socket,
        SimulatorOptions options,
        SimulatorStats stats,
        SimulatorFaults faults,
        SimulatorCapabilities capabilities,
        Sphinx.SphinxDecoderPool decoders,
        TimeProvider time,
        ILogger logger)
    {
        this.decoders = decoders;
        this.socket = socket;
        this.options = options;
        this.stats = stats;
        this.faults = faults;
        this.capabilities = capabilities;
        this.time = time;
        this.logger = logger;
        outbound = new OutboundQueue(socket, faults, time);
    }

    internal static bool IsConnectionFailure(Exception ex) =>
        ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException;

    /// <summary>Serves the socket until either side closes it or <paramref name="aborted"/> fires.</summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        var sending = outbound.RunAsync(aborted);
        using var receiveCancellation = CancellationTokenSource.CreateLinkedTokenSource(aborted, outbound.CloseHandshakeExpired);
        try
        {
            await ReceiveLoopAsync(receiveCancellation.Token);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            LogConnectionLost(logger, sessionId, ex.Message);
        }
        catch
        {
            // Never leave the send loop blocked on a socket nobody will read from again.
            socket.Abort();
            throw;
        }
        finally
        {
            EndStream();
            outbound.Abandon();
            await sending;
        }
    }

    /// <summary>Any thread: <see cref="SimulatorFaults.FailStreams"/> reaching this connection.</summary>
    public void Fail(string message) => outbound.Fail(message);

    public void Dispose() => outbound.Dispose();

    void IResultSink.Emit(bool isFinal, string text, long startMs, long endMs)
    {
        outbound.Enqueue(
            new TranscriptMessage(isFinal ? "final" : "partial", text, startMs, endMs),
            SimulatorJsonContext.Default.TranscriptMessage,
            resultDue);
        foreach (var language in translations)
        {
            outbound.Enqueue(
                new TranslationMessage(language, isFinal, $"[{language}] {text}", startMs, endMs),
                SimulatorJsonContext.Default.TranslationMessage,
                resultDue);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[ReceiveBufferBytes];
        var textLength = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(textLength), cancellationToken);
            var arrival = time.GetTimestamp();
            if (result.MessageType == WebSocketMessageType.Close)
            {
                outbound.OnPeerClosed();
                return;
            }

            if (outbound.IsClosing)
            {
                // We sent our close frame; only the peer's answer matters now.
                textLength = 0;
            }
            else if (result.MessageType == WebSocketMessageType.Binary)
            {
                OnAudio(buffer.AsSpan(0, result.Count), result.EndOfMessage, arrival);
            }
            else
            {
                textLength += result.Count;
                if (result.EndOfMessage)
                {
                    OnCommand(buffer.AsSpan(0, textLength), arrival);
                    textLength = 0;
                }
                else if (textLength == buffer.Length)
                {
                    SendError($"text frame larger than {ReceiveBufferBytes} bytes");
                    outbound.EnqueueClose(WebSocketCloseStatus.MessageTooBig, "text frame too large");
                    textLength = 0;
                }
            }
        }
    }

    private void OnAudio(ReadOnlySpan<byte> audio, bool endOfMessage, long arrival)
    {
        if (recognizer is null)
        {
            if (endOfMessage)
            {
                SendError("audio received before start");
            }

            return;
        }

        resultDue = ResultDue(arrival);
        recognizer.OnAudio(audio, endOfMessage, this);
    }

    private void OnCommand(ReadOnlySpan<byte> text, long arrival)
    {
        StreamCommand? command;
        try
        {
            command = JsonSerializer.Deserialize(text, SimulatorJsonContext.Default.StreamCommand);
        }
        catch (JsonException ex)
        {
            SendError($"malformed message: {ex.Message}");
            return;
        }

        if (command is null)
        {
            SendError("malformed message: expected a JSON object");
            return;
        }

        switch (command.Type)
        {
            case "start":
                Start(command);
                break;
            case "finalize" when recognizer is not null:
                resultDue = ResultDue(arrival);
                recognizer.OnFinalize(this);
                break;
            case "stop" when recognizer is not null:
                resultDue = ResultDue(arrival);
                recognizer.OnStop(this);
                EndStream();
                outbound.Enqueue(default, SimulatorJsonContext.Default.StoppedMessage, resultDue);
                break;
            case "finalize" or "stop":
                SendError($"{command.Type} without an active stream");
                break;
        }
    }

    private void Start(StreamCommand command)
    {
        if (recognizer is not null)
        {
            SendError("a stream is already active on this connection; send stop first");
            return;
        }

        // Refusals of the request itself carry bad_request: any server would refuse it, so the gateway must not
        // take it for a failure of this one. Everything below them is about this server's state and carries no code.
        var sampleRate = command.SampleRate ?? DefaultSampleRate;
        if (sampleRate is < MinSampleRate or > MaxSampleRate)
        {
            SendBadRequest($"sample_rate must be between {MinSampleRate} and {MaxSampleRate} (got {sampleRate})");
            return;
        }

        if (command.Encoding is not (null or SimulatorCapabilities.Encoding))
        {
            SendBadRequest($"unsupported encoding '{command.Encoding}'; only {SimulatorCapabilities.Encoding} is supported");
            return;
        }

        if (!capabilities.AcceptsLanguage(command.Language))
        {
            SendBadRequest(command.Language is null
                ? $"language is required; this server recognises {string.Join(", ", capabilities.Languages!)}"
                : $"unsupported language '{command.Language}'; this server recognises {string.Join(", ", capabilities.Languages!)}");
            return;
        }

        if (!TryGetTranslations(command.Translate, out var languages))
        {
            SendBadRequest("translate must be an array of language codes");
            return;
        }

        if (languages.FirstOrDefault(language => !capabilities.AcceptsTranslation(language)) is { } untranslatable)
        {
            SendBadRequest($"unsupported translation language '{untranslatable}'; this server translates into {string.Join(", ", capabilities.TranslationLanguages!)}");
            return;
        }

        if (faults.Draining)
        {
            Refuse(command.SessionId, "server is draining", "draining");
            return;
        }

        var capacity = faults.EffectiveCapacity;
        if (!stats.TryStartStream(capacity))
        {
            Refuse(command.SessionId, $"capacity exceeded ({capacity}/{capacity})", "capacity exceeded");
            return;
        }

        sessionId = command.SessionId;
        recognizer = options.Mode switch
        {
            SimulatorMode.Echo => new EchoRecognizer(sampleRate),
            SimulatorMode.Sphinx => new Sphinx.SphinxRecognizer(decoders, sampleRate),
            _ => new SpeechRecognizer(sampleRate, options),
        };
        // PROTOCOL §2.4: echo answers each frame with exactly one message, so it never translates.
        translations = options.Mode == SimulatorMode.Echo ? [] : languages;
        LogStarted(logger, sessionId, command.Language, sampleRate);
    }

    private void Refuse(string? refusedSessionId, string reason, string closeDescription)
    {
        stats.StreamRefused();
        LogRefused(logger, refusedSessionId, reason);
        SendError(reason);
        outbound.EnqueueClose(TryAgainLater, closeDescription);
    }

    // SlowMs is read for every frame and command, so a change applies to the next results.
    private long ResultDue(long arrival) =>
        arrival + ((options.ProcessingDelayMs + (long)faults.SlowMs) * time.TimestampFrequency / 1000);

    private static bool TryGetTranslations(string?[]? requested, out string[] languages)
    {
        languages = [];
        if (requested is null)
        {
            return true;
        }

        foreach (var language in requested)
        {
            if (string.IsNullOrWhiteSpace(language))
            {
                return false;
            }
        }

        languages = requested!; // every entry was checked above
        return true;
    }

    // Idempotent, because both stop and the end of the socket end a stream and only one may count.
    private void EndStream()
    {
        if (recognizer is null)
        {
            return;
        }

        (recognizer as IDisposable)?.Dispose();
        recognizer = null;
        translations = [];
        stats.EndStream();
        LogEnded(logger, sessionId);
    }

    private void SendError(string message) => SendError(new ErrorMessage(message));

    private void SendBadRequest(string message) => SendError(new ErrorMessage(message) { Code = ErrorMessage.BadRequest });

    private void SendError(ErrorMessage error) =>
        outbound.Enqueue(error, SimulatorJsonContext.Default.ErrorMessage, OutboundQueue.Immediately);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream {SessionId} started (language {Language}, {SampleRate} Hz)")]
    private static partial void LogStarted(ILogger logger, string? sessionId, string? language, int sampleRate);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream {SessionId} ended")]
    private static partial void LogEnded(ILogger logger, string? sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused stream {SessionId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string? sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection lost (last stream {SessionId}): {Reason}")]
    private static partial void LogConnectionLost(ILogger logger, string? sessionId, string reason);
}
