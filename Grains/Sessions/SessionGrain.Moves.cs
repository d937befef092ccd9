using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansStt.Grains.Backends.Messages;
using OrleansStt.Grains.Interfaces.Backends;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.Grains.Sessions;

// The GPU stream side of a session: reading its results, and moving it to another GPU server
// (a server failed, or the session changed silos) by replaying the audio since the last final.
public sealed partial class SessionGrain
{
    private async Task PumpResultsAsync(GpuStream stream)
    {
        try
        {
            await ReadResultsAsync(stream);
        }
        catch (Exception ex)
        {
            // A grain call failed mid-move (e.g. a pool's silo died); the client must not hang.
            LogSessionFailed(logger, ex, SessionId);
            await EndAsync(new ErrorMessage(ErrorCodes.Internal, "The gateway failed to serve this session."));
        }
    }

    private async Task ReadResultsAsync(GpuStream stream)
    {
        await foreach (var result in stream.Results.ReadAllAsync())
        {
            if (stream != _gpu || _state == SessionState.Ended)
            {
                return;
            }

            _stopSentAt = null;
            switch (result)
            {
                case StreamStopped when _state == SessionState.Stopping:
                    await FinishAsync();
                    return;
                case ServerError { RefusesRequest: true } refusal:
                    // The request, not the server, is at fault: the next server may support it (a mixed
                    // fleet), and counting it against this one would let any client take the fleet out of
                    // service with requests nobody supports. So: excluded for this session, reported nowhere.
                    LogRequestRefused(logger, SessionId, stream.BackendId, refusal.Message);
                    _failedBackends.Add(stream.BackendId);
                    _refusedBecause = refusal.Message;
                    await MoveAsync(failure: null, $"it refused this session's parameters: {refusal.Message}");
                    return;
                case ServerError error:
                    await MoveAsync(BackendFailure.StreamError, $"it reported: {error.Message}");
                    return;
                default:
                    PublishResult(result);
                    break;
            }
        }

        if (stream == _gpu && _state is SessionState.Streaming or SessionState.Stopping)
        {
            await MoveAsync(BackendFailure.Dropped, "its connection dropped");
        }
    }

    private void PublishResult(BackendMessage result)
    {
        if (_timeline.ToClient(result) is not { } message)
        {
            return;
        }

        if (message is TranscriptMessage { IsFinal: true } final)
        {
            // Audio a final accounts for is never replayed.
            _replay.ForgetBefore(final.EndMs);
        }

        _output.Publish(message);
    }

    /// <summary>
    /// Moves the stream to another GPU server without the client noticing more than a notice: the
    /// audio since the last final is replayed there and its results are shifted onto this session's
    /// timeline. <paramref name="failure"/> is what the current server did wrong, if anything (a
    /// session that changed silos moves without blaming its server).
    /// </summary>
    private async Task MoveAsync(BackendFailure? failure, string why)
    {
        if (_state is SessionState.Ended or SessionState.New)
        {
            return;
        }

        if (_moving)
        {
            // The new server failed or refused while the move that chose it was still replaying to
            // it (its results are read from the moment it is chosen): the running move goes on.
            _requestedMove = (failure, why);
            return;
        }

        _moving = true;
        try
        {
            while (true)
            {
                var replayFailure = await MoveOnceAsync(failure, why);
                if (_state == SessionState.Ended || _migrating)
                {
                    break;
                }

                // What the server said (a refusal is no failure of its own) beats the broken replay it caused.
                if (_requestedMove is { } requested)
                {
                    (failure, why) = requested;
                }
                else if (replayFailure is not null)
                {
                    (failure, why) = (BackendFailure.Dropped, replayFailure);
                }
                else
                {
                    break;
                }

                _requestedMove = null;
            }
        }
        finally
        {
            _moving = false;
            _requestedMove = null;
            // The edge's audio waited behind the move: the no-audio clock starts again from here.
            _lastAudioAt = time.GetTimestamp();
        }
    }

    /// <summary>One move; returns why the new server failed during the replay, if it did, so the caller moves again.</summary>
    private async Task<string?> MoveOnceAsync(BackendFailure? failure, string why)
    {
        var left = _gpu?.BackendId;
        using var activity = SttActivities.Source.StartActivity("stt.gpu.move");
        activity?.SetTag(SttActivities.SessionId, SessionId).SetTag("stt.gpu.from", left).SetTag("stt.gpu.why", why);
        if (left is not null)
        {
            LogMoving(logger, SessionId, left, failure, why);
            await LetGoOfGpuAsync(cleanly: false, failure);
            if (failure is not null)
            {
                _failedBackends.Add(left);
            }
        }

        if (_state == SessionState.Ended)
        {
            return null;
        }

        var cause = left is null ? why : failure is null ? $"GPU server {left}: {why}" : $"GPU server {left} failed ({why})";
        if (failure is not null && ++_switches > Settings.MaxBackendSwitches)
        {
            await EndAsync(new ErrorMessage(ErrorCodes.BackendUnavailable, $"{cause} and this session already moved {Settings.MaxBackendSwitches} times."));
            return null;
        }

        var (stream, refusal) = await gpuStreams.OpenAsync(SessionId, BackendStartOf(_request), _failedBackends, failover: true, () => _state == SessionState.Ended || _migrating);
        if (_state == SessionState.Ended || _migrating)
        {
            return null;
        }

        if (stream is null)
        {
            await EndAsync(_refusedBecause is { } reason
                ? new ErrorMessage(ErrorCodes.BadRequest, $"No GPU server accepts this session's parameters: {reason}")
                : new ErrorMessage(ErrorCodes.BackendUnavailable, $"{cause} and no other could take over: {refusal?.Message}"));
            return null;
        }

        _gpu = stream;
        _timeline.StartStreamAt(_replay.StartMs);
        // Per backend_switched notice, as the client sees them; a silo move is not a GPU server's fault.
        metrics.GpuMoves.Add(1, new KeyValuePair<string, object?>("cause", failure is not null ? "failure" : left is null ? "silo" : "refused"));
        activity?.SetTag("stt.gpu.to", stream.BackendId);
        _output.Publish(new NoticeMessage(NoticeCodes.BackendSwitched, $"{cause}; the session continues on {stream.BackendId}.") { Backend = stream.BackendId });
        // The pump outlives this move: its work must not hang under the move's span.
        var current = Activity.Current;
        Activity.Current = null;
        _ = PumpResultsAsync(stream);
        Activity.Current = current;
        return await ReplayAsync(stream);
    }

    /// <summary>
    /// Sends the kept audio, and whatever arrives meanwhile, then any command that waited;
    /// returns why the new server failed, if it did.
    /// </summary>
    private async Task<string?> ReplayAsync(GpuStream stream)
    {
        var position = _replay.Start;
        while (true)
        {
            while (_replay.TryGetChunk(position, out var audio, out var audioStart))
            {
                if (!await stream.TrySendAudioAsync(audio))
                {
                    return _state == SessionState.Ended ? null : "it failed while the audio was replayed to it";
                }

                if (stream != _gpu || _state == SessionState.Ended)
                {
                    return null;
                }

                position = audioStart + audio.Length;
            }

            if (!_finalizePending)
            {
                break;
            }

            // Audio that arrives while finalize is on its way goes out by the next pass.
            _finalizePending = false;
            if (!await stream.TrySendFinalizeAsync())
            {
                return _state == SessionState.Ended ? null : "it failed when asked to finalize";
            }
        }

        if (_state == SessionState.Stopping)
        {
            MarkStopSent();
            if (!await stream.TrySendStopAsync())
            {
                return _state == SessionState.Ended ? null : "it failed when asked to stop";
            }
        }

        return null;
    }

    private async Task SendStopAsync()
    {
        MarkStopSent();
        if (_gpu is { } gpu && !await gpu.TrySendStopAsync())
        {
            await MoveAsync(BackendFailure.Dropped, "it could not be written to");
        }
    }

    private void MarkStopSent()
    {
        _stopSentAt = time.GetTimestamp();
        ArmWatchdog();
    }

    /// <summary>The GPU server answered <c>stopped</c>: every result is out, and its socket can serve the next session.</summary>
    private async Task FinishAsync()
    {
        await LetGoOfGpuAsync(cleanly: true, failure: null);
        await EndAsync(new ClosedMessage(CloseReasons.ClientClosed));
    }

    private async Task LetGoOfGpuAsync(bool cleanly, BackendFailure? failure)
    {
        if (_gpu is { } gpu)
        {
            // Cleared first, so the result loop of this stream stops at its next message.
            _gpu = null;
            await gpuStreams.LetGoAsync(SessionId, gpu, cleanly, failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} failed")]
    private static partial void LogSessionFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} leaves GPU server {BackendId} ({Failure}: {Why})")]
    private static partial void LogMoving(ILogger logger, string sessionId, string backendId, BackendFailure? failure, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: GPU server {BackendId} refused its parameters ({Reason}); the session ends with bad_request")]
    private static partial void LogRequestRefused(ILogger logger, string sessionId, string backendId, string? reason);
}
