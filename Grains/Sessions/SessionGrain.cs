using System.Net.WebSockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStt.Grains.Backends;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Delivery;
using OrleansStt.Grains.Interfaces.Backends;
using OrleansStt.Grains.Interfaces.Delivery;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Interfaces.Sessions;

namespace OrleansStt.Grains.Sessions;

/// <summary>
/// One client session. GPU results are read by a loop running on this activation's scheduler,
/// so it interleaves with requests and timers only at awaits and never runs beside them:
/// <c>seq</c>, the audio timeline and the failover state need no lock.
/// </summary>
public sealed partial class SessionGrain(
    IOptions<SttOptions> options,
    EdgeOutbox outbox,
    BackendDirectory directory,
    BackendConnections connections,
    TimeProvider time,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain
{
    private readonly HashSet<string> _failedBackends = new(StringComparer.Ordinal);
    private SessionState _state = SessionState.New;
    private SessionRequest _request = null!;
    private AudioReplayBuffer _replay = null!;
    private BackendLease? _lease;
    private BackendSocket? _socket;

    // Bumped per GPU stream, so a result loop of a replaced stream knows to stop.
    private int _stream;
    private bool _switching;
    private bool _finalizePending;
    private int _switches;
    private long _seq;

    // Session audio position (ms) where the current GPU stream's position 0 lies.
    private long _offsetMs;
    // Audio position (ms) up to which the client already has results from a server that failed:
    // partials a replay repeats up to here are not sent again.
    private long _sentBeforeSwitchMs;
    private long _lastEndMs;
    private long _lastActivity;
    private long _lastRenewal;

    // When `stop` went to the GPU server; it owes `stopped`. Silence owes nothing, so audio alone never counts.
    private long? _stopSentAt;
    private IGrainTimer? _watchdog;
    private static readonly TimeSpan MinimumWatchDelay = TimeSpan.FromMilliseconds(100);

    private SessionOptions Settings => options.Value.Session;

    private string SessionId => this.GetPrimaryKeyString();

    private string BackendId => _lease?.BackendId ?? "(none)";

    public async Task<OpenOutcome> Open(SessionRequest request)
    {
        if (_state != SessionState.New)
        {
            throw new InvalidOperationException($"Session {SessionId} is already open.");
        }

        _request = request;
        _replay = new AudioReplayBuffer(request.SampleRate, Settings.ReplayWindow, Settings.ReplayMaxBytes);
        var refusal = await AcquireBackendAsync(failover: false);
        if (refusal is not null)
        {
            await EndAsync(refusal);
            return OpenOutcome.Refused;
        }

        _state = SessionState.Streaming;
        _lastActivity = _lastRenewal = time.GetTimestamp();
        Publish(new SessionMessage(SessionId, NewResumeToken(), BackendId));
        _ = PumpResultsAsync(_socket!, _stream);
        _watchdog = this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        ArmWatchdog();
        return OpenOutcome.Opened;
    }

    public async Task SendAudio(AudioChunk chunk)
    {
        EnsureOpened();
        if (_state != SessionState.Streaming)
        {
            return;
        }

        _lastActivity = time.GetTimestamp();
        _replay.Append(chunk.Bytes);
        if (!_switching)
        {
            await ToBackendAsync(SendAudioFrame, chunk.Bytes);
        }
    }

    public async Task FinalizeUtterance()
    {
        EnsureOpened();
        if (_state != SessionState.Streaming)
        {
            return;
        }

        _lastActivity = time.GetTimestamp();
        if (_switching)
        {
            _finalizePending = true;
            return;
        }

        await ToBackendAsync(SendFinalizeFrame);
    }

    public async Task CloseStream()
    {
        EnsureOpened();
        if (_state != SessionState.Streaming)
        {
            return;
        }

        _state = SessionState.Stopping;
        this.RegisterGrainTimer(StopTimedOutAsync, new GrainTimerCreationOptions(Settings.StopTimeout, Timeout.InfiniteTimeSpan));
        if (!_switching)
        {
            await SendStopAsync();
        }
    }

    public Task Keepalive()
    {
        EnsureOpened();
        _lastActivity = time.GetTimestamp();
        return Task.CompletedTask;
    }

    public async Task RejectInput(InputRejection rejection)
    {
        EnsureOpened();
        if (_state == SessionState.Ended)
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
            Publish(error);
        }
    }

    public Task Abandon() => EndAsync(farewell: null);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Normally already ended; this covers deactivations Orleans starts on its own, such as
        // a silo shutting down: the client is told rather than left waiting.
        await EndAsync(_state is SessionState.Streaming or SessionState.Stopping
            ? new ErrorMessage(ErrorCodes.Internal, $"The gateway lost this session ({reason.Description}).")
            : null);
    }

    /// <summary>
    /// A call that reaches a fresh activation means this session's state is gone (its silo
    /// died); the caller must end the client's socket rather than stream into nothing.
    /// </summary>
    private void EnsureOpened()
    {
        if (_state == SessionState.New)
        {
            this.DeactivateOnIdle();
            throw new SessionLostException(SessionId);
        }
    }

    /// <summary>
    /// Leases and starts a stream on the best GPU server this session has not failed on; returns
    /// the error for the client when none can take it.
    /// </summary>
    private async Task<ErrorMessage?> AcquireBackendAsync(bool failover)
    {
        var start = new BackendStart(SessionId, _request.Language, _request.Translate, _request.SampleRate, _request.Encoding);
        string? lastFailure = null;
        foreach (var backendId in directory.Rank(_failedBackends))
        {
            var pool = GrainFactory.GetGrain<IBackendPoolGrain>(backendId);
            var lease = await pool.TryLease(SessionId, failover);
            if (lease is null)
            {
                continue;
            }

            if (_state == SessionState.Ended)
            {
                // The session ended while this turn waited (a switch runs beside requests and timers).
                await pool.Release(SessionId);
                return null;
            }

            directory.NoteLeased(backendId);
            var sockets = connections.For(backendId);
            BackendSocket? socket = null;
            try
            {
                using var deadline = new CancellationTokenSource(Settings.ConnectTimeout);
                socket = await sockets.RentAsync(deadline.Token);
                await socket.StartAsync(start, deadline.Token);
                if (_state == SessionState.Ended)
                {
                    sockets.Discard(socket);
                    await pool.Release(SessionId);
                    return null;
                }

                (_lease, _socket) = (lease, socket);
                _stream++;
                return null;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
            {
                lastFailure = $"{backendId}: {ex.Message}";
                LogBackendConnectFailed(logger, ex, SessionId, backendId);
                if (socket is not null)
                {
                    sockets.Discard(socket);
                }

                _failedBackends.Add(backendId);
                await pool.ReportFailure(BackendFailure.ConnectFailed);
                await pool.Release(SessionId);
            }
        }

        return lastFailure is null
            ? new ErrorMessage(ErrorCodes.CapacityExhausted, "Every GPU server is at capacity; try again later.")
            : new ErrorMessage(ErrorCodes.BackendUnavailable, $"No GPU server could be reached (last: {lastFailure}).");
    }

    private async Task PumpResultsAsync(BackendSocket socket, int stream)
    {
        try
        {
            await ReadResultsAsync(socket, stream);
        }
        catch (Exception ex)
        {
            // A grain call failed mid-switch (e.g. a pool's silo died); the client must not hang.
            LogSessionFailed(logger, ex, SessionId);
            await EndAsync(new ErrorMessage(ErrorCodes.Internal, "The gateway failed to serve this session."));
        }
    }

    private async Task ReadResultsAsync(BackendSocket socket, int stream)
    {
        await foreach (var result in socket.Results.ReadAllAsync())
        {
            if (stream != _stream || _state == SessionState.Ended)
            {
                return;
            }

            _stopSentAt = null;
            switch (result.Type)
            {
                case "partial":
                case "final":
                    PublishResult(new TranscriptMessage(result.Type == "final", _request.Language, result.Text ?? "", result.StartMs + _offsetMs, result.EndMs + _offsetMs));
                    break;
                case "translation":
                    PublishResult(new TranslationMessage(result.IsFinal, result.Language ?? "", _request.Language, result.Text ?? "", result.StartMs + _offsetMs, result.EndMs + _offsetMs));
                    break;
                case "stopped" when _state == SessionState.Stopping:
                    await FinishAsync();
                    return;
                case "error":
                    await SwitchBackendAsync(BackendFailure.StreamError, $"it reported: {result.Message}");
                    return;
            }
        }

        if (stream == _stream && _state is SessionState.Streaming or SessionState.Stopping)
        {
            await SwitchBackendAsync(BackendFailure.Dropped, "its connection dropped");
        }
    }

    /// <summary>
    /// Publishes a result on the session's audio timeline. A partial that ends no later than
    /// something already sent is a replay's repeat after a failover: the client has it already.
    /// </summary>
    private void PublishResult(ClientMessage result)
    {
        var (isFinal, endMs) = result switch
        {
            TranscriptMessage t => (t.IsFinal, t.EndMs),
            TranslationMessage t => (t.IsFinal, t.EndMs),
            _ => (true, 0L),
        };
        if (!isFinal && endMs <= _sentBeforeSwitchMs)
        {
            return;
        }

        _lastEndMs = Math.Max(_lastEndMs, endMs);
        if (isFinal && result is TranscriptMessage)
        {
            _replay.ForgetBefore(endMs);
        }

        Publish(result);
    }

    /// <summary>
    /// Moves the stream to another GPU server without the client noticing more than a notice:
    /// the audio since the last final is replayed there and its results are shifted onto this
    /// session's timeline.
    /// </summary>
    private async Task SwitchBackendAsync(BackendFailure failure, string why)
    {
        if (_switching || _state is SessionState.Ended or SessionState.New)
        {
            return;
        }

        _switching = true;
        try
        {
            while (await MoveToNextBackendAsync(failure, why) is { } replayFailure)
            {
                (failure, why) = (BackendFailure.Dropped, replayFailure);
            }
        }
        finally
        {
            _switching = false;
        }
    }

    /// <summary>One move; returns why the new server failed during the replay, if it did, so the caller moves again.</summary>
    private async Task<string?> MoveToNextBackendAsync(BackendFailure failure, string why)
    {
        var failed = BackendId;
        LogSwitching(logger, SessionId, failed, failure, why);
        _sentBeforeSwitchMs = Math.Max(_sentBeforeSwitchMs, _lastEndMs);
        await LetGoOfBackendAsync(cleanly: false, failure);
        _failedBackends.Add(failed);
        if (_state == SessionState.Ended)
        {
            return null;
        }

        if (++_switches > Settings.MaxBackendSwitches)
        {
            await EndAsync(new ErrorMessage(ErrorCodes.BackendUnavailable, $"GPU server {failed} failed ({why}) and this session already moved {Settings.MaxBackendSwitches} times."));
            return null;
        }

        var refusal = await AcquireBackendAsync(failover: true);
        if (_state == SessionState.Ended)
        {
            return null;
        }

        if (refusal is not null)
        {
            await EndAsync(new ErrorMessage(ErrorCodes.BackendUnavailable, $"GPU server {failed} failed ({why}) and no other could take over: {refusal.Message}"));
            return null;
        }

        _offsetMs = _replay.StartMs;
        Publish(new NoticeMessage(NoticeCodes.BackendSwitched, $"GPU server {failed} failed ({why}); the session continues on {BackendId}.") { Backend = BackendId });
        _ = PumpResultsAsync(_socket!, _stream);
        return await ReplayAsync();
    }

    /// <summary>
    /// Sends the kept audio, and whatever arrives meanwhile, then any command that waited;
    /// returns why the new server failed, if it did.
    /// </summary>
    private async Task<string?> ReplayAsync()
    {
        var stream = _stream;
        var position = _replay.Start;
        while (_replay.TryGetChunk(position, out var audio, out var audioStart))
        {
            if (!await TrySendAsync(SendAudioFrame, audio))
            {
                return "it failed while the audio was replayed to it";
            }

            if (stream != _stream || _state == SessionState.Ended)
            {
                return null;
            }

            position = audioStart + audio.Length;
        }

        if (_finalizePending)
        {
            _finalizePending = false;
            if (!await TrySendAsync(SendFinalizeFrame))
            {
                return "it failed when asked to finalize";
            }
        }

        if (_state == SessionState.Stopping)
        {
            _stopSentAt = time.GetTimestamp();
            ArmWatchdog();
            if (!await TrySendAsync(SendStopFrame))
            {
                return "it failed when asked to stop";
            }
        }

        return null;
    }

    private async Task SendStopAsync()
    {
        _stopSentAt = time.GetTimestamp();
        ArmWatchdog();
        await ToBackendAsync(SendStopFrame);
    }

    // Static, with the audio passed alongside: a capturing lambda would cost an allocation per frame.
    private static readonly Func<BackendSocket, ReadOnlyMemory<byte>, ValueTask> SendAudioFrame = static (s, audio) => s.SendAudioAsync(audio, default);
    private static readonly Func<BackendSocket, ReadOnlyMemory<byte>, ValueTask> SendFinalizeFrame = static (s, _) => s.SendFinalizeAsync(default);
    private static readonly Func<BackendSocket, ReadOnlyMemory<byte>, ValueTask> SendStopFrame = static (s, _) => s.SendStopAsync(default);

    private async Task ToBackendAsync(Func<BackendSocket, ReadOnlyMemory<byte>, ValueTask> send, ReadOnlyMemory<byte> audio = default)
    {
        if (!await TrySendAsync(send, audio))
        {
            await SwitchBackendAsync(BackendFailure.Dropped, "it could not be written to");
        }
    }

    /// <summary>False when the GPU socket failed; true when sent, or when the session ended meanwhile.</summary>
    private async Task<bool> TrySendAsync(Func<BackendSocket, ReadOnlyMemory<byte>, ValueTask> send, ReadOnlyMemory<byte> audio = default)
    {
        if (_socket is not { } socket)
        {
            return _state == SessionState.Ended;
        }

        try
        {
            await send(socket, audio);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return _state == SessionState.Ended;
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_state == SessionState.Streaming && time.GetElapsedTime(_lastActivity, now) >= Settings.IdleTimeout)
        {
            await EndAsync(new ClosedMessage(CloseReasons.IdleTimeout));
            return;
        }

        if (_stopSentAt is { } since && !_switching && time.GetElapsedTime(since, now) >= Settings.StallTimeout)
        {
            _stopSentAt = null;
            await SwitchBackendAsync(BackendFailure.Stalled, $"it did not answer stop within {Settings.StallTimeout.TotalSeconds:0.#} s");
        }
        else if (_lease is { } lease && time.GetElapsedTime(_lastRenewal, now) >= lease.RenewEvery)
        {
            _lastRenewal = now;
            await GrainFactory.GetGrain<IBackendPoolGrain>(lease.BackendId).Renew(SessionId);
        }

        ArmWatchdog();
    }

    /// <summary>
    /// Wakes the watchdog when its earliest deadline falls due instead of every second: a streaming
    /// session then costs one timer turn per lease renewal, which matters with thousands of sessions.
    /// </summary>
    private void ArmWatchdog()
    {
        if (_state == SessionState.Ended || _watchdog is null)
        {
            return;
        }

        var now = time.GetTimestamp();
        var due = Settings.IdleTimeout - time.GetElapsedTime(_lastActivity, now);
        if (_stopSentAt is { } since)
        {
            due = Earliest(due, Settings.StallTimeout - time.GetElapsedTime(since, now));
        }

        if (_lease is { } lease)
        {
            due = Earliest(due, lease.RenewEvery - time.GetElapsedTime(_lastRenewal, now));
        }

        // A deadline already past (a switch in progress holds the stall check back) is looked at again shortly.
        _watchdog.Change(due > MinimumWatchDelay ? due : MinimumWatchDelay, Timeout.InfiniteTimeSpan);
    }

    private static TimeSpan Earliest(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private Task StopTimedOutAsync(CancellationToken cancellationToken) =>
        _state == SessionState.Stopping ? EndAsync(new ClosedMessage(CloseReasons.ClientClosed)) : Task.CompletedTask;

    /// <summary>The GPU server answered <c>stopped</c>: every result is out, and its socket can serve the next session.</summary>
    private async Task FinishAsync()
    {
        await LetGoOfBackendAsync(cleanly: true, failure: null);
        await EndAsync(new ClosedMessage(CloseReasons.ClientClosed));
    }

    /// <summary>Returns (clean) or discards the socket and releases the lease, reporting a failure if there was one.</summary>
    private async Task LetGoOfBackendAsync(bool cleanly, BackendFailure? failure)
    {
        _stream++;
        if (_lease is not { } lease)
        {
            return;
        }

        var sockets = connections.For(lease.BackendId);
        if (_socket is { } socket)
        {
            if (cleanly)
            {
                sockets.Return(socket);
            }
            else
            {
                sockets.Discard(socket);
            }
        }

        (_socket, _lease) = (null, null);
        var pool = GrainFactory.GetGrain<IBackendPoolGrain>(lease.BackendId);
        if (failure is { } reported)
        {
            await pool.ReportFailure(reported);
        }

        await pool.Release(SessionId);
    }

    /// <summary>
    /// The one way out of a session: the last message (if any) closes the client socket, the
    /// GPU socket and lease are let go, and the activation goes away.
    /// </summary>
    private async Task EndAsync(ClientMessage? farewell)
    {
        if (_state == SessionState.Ended)
        {
            return;
        }

        _state = SessionState.Ended;
        if (farewell is not null)
        {
            var status = farewell is ErrorMessage error ? CloseStatus.ForError(error.Code) : CloseStatus.Normal;
            Publish(farewell, status);
        }

        _watchdog?.Dispose();
        await LetGoOfBackendAsync(cleanly: false, failure: null);

        // An activation that was never opened has no buffer.
        _replay?.Clear();
        this.DeactivateOnIdle();
    }

    private void Publish(ClientMessage message, int? closeStatus = null) =>
        outbox.Post(_request.EdgeId, _request.EdgeStreams, new SessionOutput(SessionId, message with { Seq = ++_seq }, closeStatus));

    private static string NewResumeToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} could not open a stream on GPU server {BackendId}")]
    private static partial void LogBackendConnectFailed(ILogger logger, Exception exception, string sessionId, string backendId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} failed")]
    private static partial void LogSessionFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} leaves GPU server {BackendId} ({Failure}: {Why})")]
    private static partial void LogSwitching(ILogger logger, string sessionId, string backendId, BackendFailure failure, string why);
}
