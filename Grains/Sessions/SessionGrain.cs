using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStt.Grains.Backends;
using OrleansStt.Grains.Backends.Messages;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Delivery;
using OrleansStt.Grains.Interfaces.Backends;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Interfaces.Sessions;

namespace OrleansStt.Grains.Sessions;

/// <summary>
/// One client session: its state machine and the decisions that join its parts, the GPU stream
/// (<see cref="GpuStream"/>), the result timeline (<see cref="ResultTimeline"/>), the audio kept for
/// replay (<see cref="AudioReplayBuffer"/>) and the client output with its log (<see cref="ClientOutput"/>).
/// GPU results are read by a loop on this activation's scheduler, so it interleaves with requests
/// and timers only at awaits: the single-threaded turn is the only lock.
/// </summary>
public sealed partial class SessionGrain(
    IOptions<SttOptions> options,
    EdgeOutbox outbox,
    GpuStreams gpuStreams,
    TimeProvider time,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain, IGrainMigrationParticipant
{
    private const string SnapshotKey = "stt.session";
    private static readonly TimeSpan MinimumWatchDelay = TimeSpan.FromMilliseconds(100);

    private readonly HashSet<string> _failedBackends = new(StringComparer.Ordinal);
    private SessionState _state = SessionState.New;
    private SessionRequest _request = null!;
    private string _resumeToken = "";
    private ClientOutput _output = null!;
    private ResultTimeline _timeline = null!;
    private AudioReplayBuffer _replay = null!;
    private GpuStream? _gpu;
    private long _audioFrames;

    // A move to another GPU server is under way: audio is kept, not sent, and commands wait for the replay.
    private bool _moving;
    private bool _finalizePending;
    private int _switches;

    private long _lastActivity;
    private long? _unlinkedAt;
    private long? _endedAt;

    // When `stop` went to the GPU server; it owes `stopped`. Silence owes nothing, so audio alone never counts.
    private long? _stopSentAt;
    private IGrainTimer? _watchdog;

    // Set on the silo that shuts down (carry the session over) and on the one that receives it (reopen the GPU stream).
    private bool _migrating;
    private SessionSnapshot? _arrived;

    private SessionOptions Settings => options.Value.Session;

    private string SessionId => this.GetPrimaryKeyString();

    public async Task<OpenOutcome> Open(SessionRequest request, EdgeLink edge)
    {
        if (_state != SessionState.New)
        {
            throw new InvalidOperationException($"Session {SessionId} is already open.");
        }

        Initialize(request, NewResumeToken());
        _output.LinkTo(edge);
        var (stream, refusal) = await gpuStreams.OpenAsync(SessionId, BackendStartOf(request), _failedBackends, failover: false, () => _state == SessionState.Ended);
        if (stream is null)
        {
            await EndAsync(refusal);
            return OpenOutcome.Refused;
        }

        _gpu = stream;
        _state = SessionState.Streaming;
        _output.Publish(new SessionMessage(SessionId, _resumeToken, stream.BackendId));
        _ = PumpResultsAsync(stream);
        StartWatchdog();
        return OpenOutcome.Opened;
    }

    public Task<ResumeAccepted?> Resume(string resumeToken, long lastSeq, EdgeLink edge)
    {
        if (_state == SessionState.New)
        {
            this.DeactivateOnIdle();
            return Task.FromResult<ResumeAccepted?>(null);
        }

        // One answer for every refusal (PROTOCOL §1.3): a closed session, a wrong token and an
        // unkept seq look the same to a guesser.
        if (_state is not (SessionState.Streaming or SessionState.Stopping)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(resumeToken), Encoding.UTF8.GetBytes(_resumeToken))
            || !_output.Log.HoldsAfter(lastSeq))
        {
            return Task.FromResult<ResumeAccepted?>(null);
        }

        Link(edge);
        _output.ResendAfter(lastSeq);
        _output.Publish(new NoticeMessage(NoticeCodes.Resumed, "The session resumed; send audio again from frame audio_frames on.")
        {
            AudioFrames = _audioFrames,
            AudioMs = _replay.End * 1000 / (2L * _request.SampleRate),
        });
        LogResumed(logger, SessionId, lastSeq, _audioFrames);
        return Task.FromResult<ResumeAccepted?>(new ResumeAccepted(_request, _audioFrames, _replay.Start, _replay.ToArray()));
    }

    public async Task<bool> Recover(SessionRecovery recovery)
    {
        if (_state != SessionState.New)
        {
            // The edge only thought this session lost (a slow call): nothing to rebuild, and the
            // edge's socket stays linked under its new number.
            if (_state == SessionState.Ended || !(_output.IsLinkedTo(recovery.PreviousLink) || _output.IsLinkedTo(recovery.Edge.Id))
                || !_output.Log.HoldsAfter(recovery.DeliveredSeq))
            {
                return false;
            }

            Link(recovery.Edge);
            _output.ResendAfter(recovery.DeliveredSeq);
            await CatchUpAsync(recovery);
            return true;
        }

        Initialize(recovery.Request, recovery.ResumeToken);
        _output.Log.Restore(recovery.DeliveredSeq, []);
        _output.LinkTo(recovery.Edge);
        _timeline.Restore(recovery.DeliveredEndMs, recovery.DeliveredFinalEndMs);
        _replay.StartAt(recovery.ReplayStartBytes);
        _replay.Append(recovery.Replay);
        _audioFrames = recovery.AudioFrames;
        _state = recovery.Closing ? SessionState.Stopping : SessionState.Streaming;
        StartWatchdog();
        if (recovery.Closing)
        {
            StartStopTimeout();
        }

        LogRecovering(logger, SessionId, recovery.DeliveredSeq, recovery.Replay.Length);
        await MoveAsync(failure: null, "the silo that held this session went away");
        return _state != SessionState.Ended;
    }

    /// <summary>
    /// A live session the edge took for lost may have missed what the edge sent meanwhile: the audio
    /// past what it has (both count bytes from the session's first), and <c>close_stream</c>.
    /// </summary>
    private async Task CatchUpAsync(SessionRecovery recovery)
    {
        var missing = recovery.ReplayStartBytes + recovery.Replay.Length - _replay.End;
        if (missing > 0 && missing <= recovery.Replay.Length && _state == SessionState.Streaming)
        {
            var audio = recovery.Replay.AsMemory(recovery.Replay.Length - (int)missing);
            _replay.Append(audio.Span);
            _audioFrames = recovery.AudioFrames;
            if (!_moving && _gpu is { } gpu && !await gpu.TrySendAudioAsync(audio))
            {
                await MoveAsync(BackendFailure.Dropped, "it could not be written to");
            }
        }

        if (recovery.Closing && _state == SessionState.Streaming)
        {
            _state = SessionState.Stopping;
            StartStopTimeout();
            if (!_moving)
            {
                await SendStopAsync();
            }
        }
    }

    public async Task SendAudio(AudioChunk chunk)
    {
        EnsureHeld();
        if (_state != SessionState.Streaming || !_output.IsLinkedTo(chunk.Link))
        {
            return;
        }

        _lastActivity = time.GetTimestamp();
        _replay.Append(chunk.Bytes);
        _audioFrames++;
        if (!_moving && _gpu is { } gpu && !await gpu.TrySendAudioAsync(chunk.Bytes))
        {
            await MoveAsync(BackendFailure.Dropped, "it could not be written to");
        }
    }

    public async Task FinalizeUtterance(long link)
    {
        EnsureHeld();
        if (_state != SessionState.Streaming || !_output.IsLinkedTo(link))
        {
            return;
        }

        _lastActivity = time.GetTimestamp();
        if (_moving)
        {
            _finalizePending = true;
        }
        else if (_gpu is { } gpu && !await gpu.TrySendFinalizeAsync())
        {
            await MoveAsync(BackendFailure.Dropped, "it could not be written to");
        }
    }

    public async Task CloseStream(long link)
    {
        EnsureHeld();
        if (_state != SessionState.Streaming || !_output.IsLinkedTo(link))
        {
            return;
        }

        _state = SessionState.Stopping;
        StartStopTimeout();
        if (!_moving)
        {
            await SendStopAsync();
        }
    }

    public Task Keepalive(long link)
    {
        EnsureHeld();
        if (_output.IsLinkedTo(link))
        {
            _lastActivity = time.GetTimestamp();
        }

        return Task.CompletedTask;
    }

    public async Task RejectInput(long link, InputRejection rejection)
    {
        EnsureHeld();
        if (_state == SessionState.Ended || !_output.IsLinkedTo(link))
        {
            return;
        }

        var error = new ErrorMessage(rejection.Code, rejection.Message);
        if (rejection.EndsSession)
        {
            await EndAsync(error);
        }
        else
        {
            _output.Publish(error);
        }
    }

    public Task Detach(long link)
    {
        if (_state == SessionState.New)
        {
            this.DeactivateOnIdle();
        }
        else if (_output.IsLinkedTo(link))
        {
            _output.Unlink();
            _unlinkedAt = time.GetTimestamp();
            if (_state == SessionState.Ended)
            {
                // The edge wrote the last message: nothing is left to re-send.
                this.DeactivateOnIdle();
            }
            else
            {
                LogAwaitingResume(logger, SessionId, Settings.GracePeriod);
                ArmWatchdog();
            }
        }

        return Task.CompletedTask;
    }

    public Task AnnounceDraining(long link)
    {
        EnsureHeld();
        if (_state != SessionState.Ended && _output.IsLinkedTo(link))
        {
            _output.Publish(new NoticeMessage(NoticeCodes.Draining, "This edge is shutting down: reconnect with resume (session_id, resume_token, last_seq)."));
        }

        return Task.CompletedTask;
    }

    public Task<long> PublishedSeq(long link)
    {
        EnsureHeld();
        return Task.FromResult(_output.Log.LastSeq);
    }

    public async Task Resend(long link, long afterSeq)
    {
        if (_state == SessionState.New)
        {
            this.DeactivateOnIdle();
            return;
        }

        if (!_output.IsLinkedTo(link))
        {
            return;
        }

        if (_output.Log.HoldsAfter(afterSeq))
        {
            LogResending(logger, SessionId, afterSeq, _output.Log.LastSeq);
            _output.ResendAfter(afterSeq);
        }
        else if (_state != SessionState.Ended)
        {
            await EndAsync(new ErrorMessage(ErrorCodes.Internal, $"Messages after seq {afterSeq} were lost in transit and are no longer logged."));
        }
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_arrived is { } snapshot)
        {
            _arrived = null;
            Arrive(snapshot);
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && _state is SessionState.Streaming or SessionState.Stopping)
        {
            // Scale-in: the session moves to a silo that stays and opens a new GPU stream there.
            _migrating = true;
            this.MigrateOnIdle();
            _watchdog?.Dispose();
            await LetGoOfGpuAsync(cleanly: false, failure: null);
            return;
        }

        if (reason.ReasonCode == DeactivationReasonCode.DirectoryFailure && _state is SessionState.Streaming or SessionState.Stopping)
        {
            // The silo that held this session's directory entry died: Orleans retires the activation
            // while calls may already reach a new one. The session's edge rebuilds it from its own
            // copy, exactly as for a session that died with its silo; saying anything here would
            // only race that.
            _watchdog?.Dispose();
            await LetGoOfGpuAsync(cleanly: false, failure: null);
            return;
        }

        // Normally already ended; this covers other deactivations Orleans starts on its own: the
        // client is told rather than left waiting.
        await EndAsync(_state is SessionState.Streaming or SessionState.Stopping
            ? new ErrorMessage(ErrorCodes.Internal, $"The gateway lost this session ({reason.Description}).")
            : null);
    }

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext migrationContext)
    {
        if (_migrating)
        {
            migrationContext.TryAddValue(SnapshotKey, new SessionSnapshot(
                _request, _output.Link, _resumeToken, _output.Log.LastSeq, _output.Log.After(0).ToList(), _timeline.LastEndMs, _timeline.LastFinalEndMs,
                _audioFrames, _replay.Start, _replay.ToArray(), _state == SessionState.Stopping, _finalizePending, _switches));
            _replay.Clear();
        }
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext migrationContext)
    {
        if (migrationContext.TryGetValue(SnapshotKey, out SessionSnapshot? snapshot))
        {
            _arrived = snapshot;
        }
    }

    private void Initialize(SessionRequest request, string resumeToken)
    {
        _request = request;
        _resumeToken = resumeToken;
        _output = new ClientOutput(SessionId, outbox, new SessionLog(Settings.LogMaxMessages, Settings.LogMaxBytes));
        _timeline = new ResultTimeline(request.Language);
        _replay = new AudioReplayBuffer(request.SampleRate, Settings.ReplayWindow, Settings.ReplayMaxBytes);
        _lastActivity = time.GetTimestamp();
    }

    /// <summary>This activation received a session from a silo that shut down: reopen its GPU stream and replay.</summary>
    private void Arrive(SessionSnapshot snapshot)
    {
        Initialize(snapshot.Request, snapshot.ResumeToken);
        _output.Log.Restore(snapshot.LastSeq, snapshot.Log);
        if (snapshot.Link is { } link)
        {
            _output.LinkTo(link);
        }
        else
        {
            _unlinkedAt = time.GetTimestamp();
        }

        _timeline.Restore(snapshot.CoveredMs, snapshot.FinalEndMs);
        _replay.StartAt(snapshot.ReplayStartBytes);
        _replay.Append(snapshot.Replay);
        _audioFrames = snapshot.AudioFrames;
        _finalizePending = snapshot.FinalizePending;
        _switches = snapshot.Switches;
        _state = snapshot.Closing ? SessionState.Stopping : SessionState.Streaming;
        StartWatchdog();
        if (snapshot.Closing)
        {
            StartStopTimeout();
        }

        _ = MoveAsync(failure: null, "its silo shut down");
    }

    private void Link(EdgeLink edge)
    {
        _output.LinkTo(edge);
        _unlinkedAt = null;
        _lastActivity = time.GetTimestamp();
        ArmWatchdog();
    }

    /// <summary>
    /// A call that reaches a fresh activation means this session's state is gone (its silo died);
    /// the edge rebuilds it with <see cref="Recover"/>.
    /// </summary>
    private void EnsureHeld()
    {
        if (_state == SessionState.New)
        {
            this.DeactivateOnIdle();
            throw new SessionLostException(SessionId);
        }
    }

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
        if (_moving || _state is SessionState.Ended or SessionState.New)
        {
            return;
        }

        _moving = true;
        try
        {
            while (await MoveOnceAsync(failure, why) is { } replayFailure)
            {
                (failure, why) = (BackendFailure.Dropped, replayFailure);
            }
        }
        finally
        {
            _moving = false;
        }
    }

    /// <summary>One move; returns why the new server failed during the replay, if it did, so the caller moves again.</summary>
    private async Task<string?> MoveOnceAsync(BackendFailure? failure, string why)
    {
        var left = _gpu?.BackendId;
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

        var cause = left is null ? why : $"GPU server {left} failed ({why})";
        if (failure is not null && ++_switches > Settings.MaxBackendSwitches)
        {
            await EndAsync(new ErrorMessage(ErrorCodes.BackendUnavailable, $"{cause} and this session already moved {Settings.MaxBackendSwitches} times."));
            return null;
        }

        var (stream, refusal) = await gpuStreams.OpenAsync(SessionId, BackendStartOf(_request), _failedBackends, failover: true, () => _state == SessionState.Ended);
        if (_state == SessionState.Ended)
        {
            return null;
        }

        if (stream is null)
        {
            await EndAsync(new ErrorMessage(ErrorCodes.BackendUnavailable, $"{cause} and no other could take over: {refusal?.Message}"));
            return null;
        }

        _gpu = stream;
        _timeline.StartStreamAt(_replay.StartMs);
        _output.Publish(new NoticeMessage(NoticeCodes.BackendSwitched, $"{cause}; the session continues on {stream.BackendId}.") { Backend = stream.BackendId });
        _ = PumpResultsAsync(stream);
        return await ReplayAsync(stream);
    }

    /// <summary>
    /// Sends the kept audio, and whatever arrives meanwhile, then any command that waited;
    /// returns why the new server failed, if it did.
    /// </summary>
    private async Task<string?> ReplayAsync(GpuStream stream)
    {
        var position = _replay.Start;
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

        if (_finalizePending)
        {
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

    private void StartStopTimeout() =>
        this.RegisterGrainTimer(StopTimedOutAsync, new GrainTimerCreationOptions(Settings.StopTimeout, Timeout.InfiniteTimeSpan));

    private Task StopTimedOutAsync(CancellationToken cancellationToken) =>
        _state == SessionState.Stopping ? EndAsync(new ClosedMessage(CloseReasons.ClientClosed)) : Task.CompletedTask;

    private void StartWatchdog()
    {
        _watchdog = this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        ArmWatchdog();
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_state == SessionState.Ended)
        {
            if (_endedAt is { } ended && time.GetElapsedTime(ended, now) >= Settings.EndedRetention)
            {
                this.DeactivateOnIdle();
                return;
            }
        }
        else if (_unlinkedAt is { } unlinked && time.GetElapsedTime(unlinked, now) >= Settings.GracePeriod)
        {
            LogGraceExpired(logger, SessionId, Settings.GracePeriod);
            await EndAsync(farewell: null);
            return;
        }
        else if (_state == SessionState.Streaming && _unlinkedAt is null && time.GetElapsedTime(_lastActivity, now) >= Settings.IdleTimeout)
        {
            await EndAsync(new ClosedMessage(CloseReasons.IdleTimeout));
            return;
        }
        else if (_stopSentAt is { } since && !_moving && time.GetElapsedTime(since, now) >= Settings.StallTimeout)
        {
            _stopSentAt = null;
            await MoveAsync(BackendFailure.Stalled, $"it did not answer stop within {Settings.StallTimeout.TotalSeconds:0.#} s");
        }

        ArmWatchdog();
    }

    /// <summary>
    /// Wakes the watchdog when its earliest deadline falls due instead of every second: a streaming
    /// session then costs one timer turn per lease renewal, which matters with thousands of sessions.
    /// </summary>
    private void ArmWatchdog()
    {
        if (_watchdog is null)
        {
            return;
        }

        var now = time.GetTimestamp();
        TimeSpan due;
        if (_state == SessionState.Ended)
        {
            due = Settings.EndedRetention - time.GetElapsedTime(_endedAt ?? now, now);
        }
        else
        {
            due = _unlinkedAt is { } unlinked
                ? Settings.GracePeriod - time.GetElapsedTime(unlinked, now)
                : Settings.IdleTimeout - time.GetElapsedTime(_lastActivity, now);
            if (_stopSentAt is { } since)
            {
                due = Earliest(due, Settings.StallTimeout - time.GetElapsedTime(since, now));
            }

            if (_gpu is { } gpu)
            {
                due = Earliest(due, gpuStreams.RenewIfDue(SessionId, gpu));
            }
        }

        // A deadline already past (a move in progress holds the stall check back) is looked at again shortly.
        _watchdog.Change(due > MinimumWatchDelay ? due : MinimumWatchDelay, Timeout.InfiniteTimeSpan);
    }

    private static TimeSpan Earliest(TimeSpan a, TimeSpan b) => a < b ? a : b;

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

    /// <summary>
    /// The one way out of a session: the last message (if any) closes the client socket, the GPU
    /// stream and lease are let go, and the activation goes away once no edge may ask for the last
    /// messages again.
    /// </summary>
    private async Task EndAsync(ClientMessage? farewell)
    {
        if (_state == SessionState.Ended)
        {
            return;
        }

        var wasOpen = _state != SessionState.New;
        _state = SessionState.Ended;
        _endedAt = time.GetTimestamp();
        if (farewell is not null)
        {
            var status = farewell is ErrorMessage error ? CloseStatus.ForError(error.Code) : CloseStatus.Normal;
            _output.Publish(farewell, status);
        }

        await LetGoOfGpuAsync(cleanly: false, failure: null);

        // An activation that was never opened has no buffer.
        _replay?.Clear();
        if (!wasOpen || _output.Link is null)
        {
            _watchdog?.Dispose();
            this.DeactivateOnIdle();
        }
        else
        {
            _watchdog ??= this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
            ArmWatchdog();
        }
    }

    private BackendStart BackendStartOf(SessionRequest request) =>
        new(SessionId, request.Language, request.Translate, request.SampleRate, request.Encoding);

    private static string NewResumeToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} failed")]
    private static partial void LogSessionFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} leaves GPU server {BackendId} ({Failure}: {Why})")]
    private static partial void LogMoving(ILogger logger, string sessionId, string backendId, BackendFailure? failure, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} resumed after seq {LastSeq} with {AudioFrames} audio frames")]
    private static partial void LogResumed(ILogger logger, string sessionId, long lastSeq, long audioFrames);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} lost its client socket; it waits {GracePeriod} for a resume")]
    private static partial void LogAwaitingResume(ILogger logger, string sessionId, TimeSpan gracePeriod);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} ends: no resume within {GracePeriod}")]
    private static partial void LogGraceExpired(ILogger logger, string sessionId, TimeSpan gracePeriod);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} is rebuilt from its edge after seq {DeliveredSeq}, replaying {ReplayBytes} audio bytes")]
    private static partial void LogRecovering(ILogger logger, string sessionId, long deliveredSeq, int replayBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} sends seq {AfterSeq}..{LastSeq} again")]
    private static partial void LogResending(ILogger logger, string sessionId, long afterSeq, long lastSeq);
}
