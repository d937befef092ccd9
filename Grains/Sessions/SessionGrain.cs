using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStt.Grains.Backends;
using OrleansStt.Grains.Backends.Messages;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Delivery;
using OrleansStt.Grains.Interfaces.Backends;
using Orleans.Placement;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Interfaces.Sessions;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.Grains.Sessions;

/// <summary>
/// One client session: its state machine and the decisions that join its parts, the GPU stream
/// (<see cref="GpuStream"/>), the result timeline (<see cref="ResultTimeline"/>), the audio kept for
/// replay (<see cref="AudioReplayBuffer"/>) and the client output with its log (<see cref="ClientOutput"/>).
/// This file holds the state and the client's calls; moving between GPU servers, moving between
/// silos and the deadlines are in the files beside it. GPU results are read by a loop on this
/// activation's scheduler, so it interleaves with requests and timers only at awaits: the
/// single-threaded turn is the only lock.
/// </summary>
// Sessions are the gateway's unit of load, alike and long-lived: placed by how many each silo
// holds, a silo that joins takes the next sessions at once (docs/resilience.md), where the
// default resource-optimized placement waited for CPU and memory figures to move.
[ActivationCountBasedPlacement]
public sealed partial class SessionGrain(
    IOptions<SttOptions> options,
    EdgeOutbox outbox,
    GpuStreams gpuStreams,
    ReplayBudget replayBudget,
    TimeProvider time,
    SttMetrics metrics,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain, IGrainMigrationParticipant
{
    private const string SnapshotKey = "stt.session";
    private static readonly TimeSpan MinimumWatchDelay = TimeSpan.FromMilliseconds(100);

    private readonly HashSet<string> _failedBackends = new(StringComparer.Ordinal);

    // Why the last server that refused this session's parameters did: when none other takes it,
    // that is the client's answer (bad_request), not a fleet failure.
    private string? _refusedBecause;
    private SessionState _state = SessionState.New;
    private SessionRequest _request = null!;
    private string _resumeToken = "";
    private ClientOutput _output = null!;
    private ResultTimeline _timeline = null!;
    private AudioReplayBuffer _replay = null!;
    private readonly EarlyAudio _early = new();
    private GpuStream? _gpu;
    private long _audioFrames;

    // A move to another GPU server is under way: audio is kept, not sent, and commands wait for the replay.
    private bool _moving;
    private (BackendFailure? Failure, string Why)? _requestedMove;
    private bool _finalizePending;
    private int _switches;

    private long _lastActivity;
    private long _lastAudioAt;
    private long _startedAt;
    private long? _unlinkedAt;
    private long? _endedAt;

    // When `stop` went to the GPU server; it owes `stopped`. Silence owes nothing, so audio alone never counts.
    private long? _stopSentAt;
    private IGrainTimer? _watchdog;

    // Set on the silo that shuts down (carry the session over) and on the one that receives it (reopen the GPU stream).
    private bool _migrating;

    // The last recovery an edge asked for, by its new link, so that a retried one gets the same answer.
    private (long Link, RecoveryOutcome Outcome)? _lastRecovery;
    private SessionSnapshot? _arrived;
    private string? _sessionId;

    private SessionOptions Settings => options.Value.Session;

    private string SessionId => _sessionId ??= this.GetPrimaryKeyString();

    public async Task<OpenOutcome> Open(SessionRequest request, EdgeLink edge)
    {
        if (_state != SessionState.New)
        {
            throw new InvalidOperationException($"Session {SessionId} is already open.");
        }

        Initialize(request, NewResumeToken());
        _output.LinkTo(edge);
        var (stream, refusal) = await gpuStreams.OpenAsync(SessionId, BackendStartOf(request), _failedBackends, failover: false, () => _state == SessionState.Ended || _migrating);
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
        // The new socket sends its audio again from the position named below.
        _early.Clear();
        _output.ResendAfter(lastSeq);
        _output.Publish(new NoticeMessage(NoticeCodes.Resumed, "The session resumed; send audio again from frame audio_frames on.")
        {
            AudioFrames = _audioFrames,
            AudioMs = _replay.End * 1000 / (2L * _request.SampleRate),
        });
        LogResumed(logger, SessionId, lastSeq, _audioFrames);
        return Task.FromResult<ResumeAccepted?>(new ResumeAccepted(_request, _audioFrames, _replay.Start, _replay.ToArray()));
    }

    public async Task<bool> SendAudio(AudioChunk chunk)
    {
        EnsureHeld();
        if (!_output.IsLinkedTo(chunk.Link))
        {
            return _state == SessionState.Ended;
        }

        await ReceiveAudioAsync(chunk);
        return _state != SessionState.Streaming || !_early.IsLost(_replay.End);
    }

    public async Task PushAudio(AudioChunk chunk)
    {
        EnsureHeld();
        if (_output.IsLinkedTo(chunk.Link))
        {
            await ReceiveAudioAsync(chunk);
        }
    }

    public Task<long> AudioTaken(long link)
    {
        EnsureHeld();
        return Task.FromResult(
            !_output.IsLinkedTo(link) ? (_state == SessionState.Ended ? long.MaxValue : -1)
            : _state == SessionState.Streaming ? _replay.End
            : long.MaxValue);
    }

    /// <summary>Takes a frame in session order: a repeat is dropped, an early one held until the audio before it came.</summary>
    private async Task ReceiveAudioAsync(AudioChunk chunk)
    {
        if (_state != SessionState.Streaming || chunk.Offset < _replay.End)
        {
            return;
        }

        if (chunk.Offset > _replay.End)
        {
            _early.Hold(chunk.Offset, chunk.Bytes);
            return;
        }

        var audio = chunk.Bytes;
        do
        {
            await TakeAudioAsync(audio);
        }
        while (_state == SessionState.Streaming && _early.TryTake(_replay.End, out audio));
    }

    private async Task TakeAudioAsync(byte[] audio)
    {
        _lastActivity = _lastAudioAt = time.GetTimestamp();
        _replay.Append(audio, mayShed: !_moving);
        _audioFrames++;
        if (!_moving && _gpu is { } gpu && !await gpu.TrySendAudioAsync(audio))
        {
            await MoveAsync(BackendFailure.Dropped, "it could not be written to");
        }
    }

    public async Task<bool> FinalizeUtterance(long link)
    {
        EnsureHeld();
        if (!_output.IsLinkedTo(link))
        {
            return _state == SessionState.Ended;
        }

        if (_state != SessionState.Streaming)
        {
            return true;
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

        return true;
    }

    public async Task<bool> CloseStream(long link)
    {
        EnsureHeld();
        if (!_output.IsLinkedTo(link))
        {
            return _state == SessionState.Ended;
        }

        if (_state != SessionState.Streaming)
        {
            return true;
        }

        _state = SessionState.Stopping;
        StartStopTimeout();
        if (!_moving)
        {
            await SendStopAsync();
        }

        return true;
    }

    public Task<bool> Keepalive(long link)
    {
        EnsureHeld();
        if (!_output.IsLinkedTo(link))
        {
            return Task.FromResult(_state == SessionState.Ended);
        }

        _lastActivity = time.GetTimestamp();
        return Task.FromResult(true);
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

    private void Initialize(SessionRequest request, string resumeToken)
    {
        _request = request;
        _resumeToken = resumeToken;
        _output = new ClientOutput(SessionId, outbox, new SessionLog(Settings.LogMaxMessages, Settings.LogMaxBytes), time);
        _timeline = new ResultTimeline(request.Language);
        _replay = new AudioReplayBuffer(request.SampleRate, Settings.ReplayWindow, Settings.ReplayMaxBytes, replayBudget);
        _lastActivity = _lastAudioAt = _startedAt = time.GetTimestamp();
    }

    private void Link(EdgeLink edge)
    {
        _output.LinkTo(edge);
        _unlinkedAt = null;
        // A resumed client sends its audio again from the frame the session names: a fresh start.
        _lastActivity = _lastAudioAt = time.GetTimestamp();
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

        // Before anything that may throw: the silo's replay budget counts these blocks until then.
        // An activation that was never opened has no buffer.
        _replay?.Clear();
        _early.Clear();
        await LetGoOfGpuAsync(cleanly: false, failure: null);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} resumed after seq {LastSeq} with {AudioFrames} audio frames")]
    private static partial void LogResumed(ILogger logger, string sessionId, long lastSeq, long audioFrames);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} lost its client socket; it waits {GracePeriod} for a resume")]
    private static partial void LogAwaitingResume(ILogger logger, string sessionId, TimeSpan gracePeriod);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} sends seq {AfterSeq}..{LastSeq} again")]
    private static partial void LogResending(ILogger logger, string sessionId, long afterSeq, long lastSeq);
}
