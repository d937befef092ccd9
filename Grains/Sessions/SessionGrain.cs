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
/// One client session. Backend results are read by a loop running on this activation's
/// scheduler, so it interleaves with requests only at awaits and never runs beside them:
/// <c>seq</c> needs no lock.
/// </summary>
public sealed partial class SessionGrain(
    IOptions<SttOptions> options,
    EdgeOutbox outbox,
    TimeProvider time,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain
{
    private readonly CancellationTokenSource _lifetime = new();
    private SessionState _state = SessionState.New;
    private SessionRequest _request = null!;
    private BackendLease? _lease;
    private BackendStream? _backend;
    private long _seq;
    private long _lastActivity;
    private IGrainTimer? _idleTimer;
    private bool _stoppedReceived;
    private ErrorMessage? _backendError;

    private SessionOptions Settings => options.Value.Session;

    private string SessionId => this.GetPrimaryKeyString();

    public async Task<OpenOutcome> Open(SessionRequest request)
    {
        if (_state != SessionState.New)
        {
            throw new InvalidOperationException($"Session {SessionId} is already open.");
        }

        _request = request;
        var refusal = await ConnectToBackendAsync();
        if (refusal is not null)
        {
            await EndAsync(refusal);
            return OpenOutcome.Refused;
        }

        _state = SessionState.Streaming;
        Touch();
        Publish(new SessionMessage(SessionId, NewResumeToken(), _lease!.BackendId));
        _ = PumpResultsAsync(_backend!);
        _idleTimer = this.RegisterGrainTimer(CheckIdleAsync, new GrainTimerCreationOptions(Settings.IdleTimeout, Settings.IdleTimeout / 4));
        return OpenOutcome.Opened;
    }

    public async Task SendAudio(AudioChunk chunk)
    {
        EnsureOpened();
        if (_state != SessionState.Streaming)
        {
            return;
        }

        Touch();
        await ToBackendAsync(b => b.SendAudioAsync(chunk.Bytes, _lifetime.Token));
    }

    public async Task FinalizeUtterance()
    {
        EnsureOpened();
        if (_state != SessionState.Streaming)
        {
            return;
        }

        Touch();
        await ToBackendAsync(b => b.SendFinalizeAsync(_lifetime.Token));
    }

    public async Task CloseStream()
    {
        EnsureOpened();
        if (_state != SessionState.Streaming)
        {
            return;
        }

        _state = SessionState.Stopping;
        await ToBackendAsync(b => b.SendStopAsync(_lifetime.Token));
        this.RegisterGrainTimer(StopTimedOutAsync, new GrainTimerCreationOptions(Settings.StopTimeout, Timeout.InfiniteTimeSpan));
    }

    public Task Keepalive()
    {
        EnsureOpened();
        Touch();
        return Task.CompletedTask;
    }

    public async Task RejectInput(InputRejection rejection)
    {
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
        // Normally already ended; this covers deactivations Orleans starts on its own.
        await EndAsync(farewell: null);
        _lifetime.Dispose();
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

    /// <summary>Leases and dials GPU servers in turn; returns the error for the client when none can take the session.</summary>
    private async Task<ErrorMessage?> ConnectToBackendAsync()
    {
        var backends = options.Value.Backends;
        var first = Random.Shared.Next(backends.Count);
        var start = new BackendStart(SessionId, _request.Language, _request.Translate, _request.SampleRate, _request.Encoding);
        string? lastFailure = null;
        for (var i = 0; i < backends.Count; i++)
        {
            var pool = GrainFactory.GetGrain<IBackendPoolGrain>(backends[(first + i) % backends.Count].Id);
            var lease = await pool.TryLease(SessionId);
            if (lease is null)
            {
                continue;
            }

            try
            {
                _backend = await BackendStream.OpenAsync(lease.StreamUri, start, Settings.ConnectTimeout, _lifetime.Token);
                _lease = lease;
                return null;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
            {
                lastFailure = $"{lease.BackendId}: {ex.Message}";
                LogBackendConnectFailed(logger, ex, SessionId, lease.BackendId);
                await pool.Release(SessionId);
            }
        }

        return lastFailure is null
            ? new ErrorMessage(ErrorCodes.CapacityExhausted, "Every GPU server is at capacity; try again later.")
            : new ErrorMessage(ErrorCodes.BackendUnavailable, $"No GPU server could be reached (last: {lastFailure}).");
    }

    private async Task PumpResultsAsync(BackendStream backend)
    {
        try
        {
            await foreach (var result in backend.ReadResultsAsync(_lifetime.Token))
            {
                if (!OnBackendResult(result))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (_state != SessionState.Ended)
        {
            LogBackendLost(logger, ex, SessionId, _lease?.BackendId);
        }
        catch
        {
            // The session ended and closed the socket under the read: nothing is lost.
            return;
        }

        if (_state == SessionState.Ended)
        {
            return;
        }

        if (_state == SessionState.Stopping && _stoppedReceived)
        {
            await EndAsync(new ClosedMessage(CloseReasons.ClientClosed));
        }
        else
        {
            await EndAsync(_backendError ?? new ErrorMessage(ErrorCodes.BackendUnavailable, $"GPU server {_lease?.BackendId} closed the stream."));
        }
    }

    /// <summary>Publishes one backend result; false when the stream is over.</summary>
    private bool OnBackendResult(BackendResult result)
    {
        switch (result.Type)
        {
            case "partial":
                Publish(new TranscriptMessage(false, _request.Language, result.Text ?? "", result.StartMs, result.EndMs));
                return true;
            case "final":
                Publish(new TranscriptMessage(true, _request.Language, result.Text ?? "", result.StartMs, result.EndMs));
                return true;
            case "translation":
                Publish(new TranslationMessage(result.IsFinal, result.Language ?? "", _request.Language, result.Text ?? "", result.StartMs, result.EndMs));
                return true;
            case "stopped":
                _stoppedReceived = true;
                return false;
            case "error":
                _backendError = new ErrorMessage(ErrorCodes.BackendUnavailable, $"GPU server {_lease?.BackendId} failed: {result.Message}");
                return false;
            default:
                return true;
        }
    }

    private async Task ToBackendAsync(Func<BackendStream, ValueTask> send)
    {
        try
        {
            await send(_backend!);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (_state == SessionState.Ended)
            {
                return;
            }

            LogBackendLost(logger, ex, SessionId, _lease?.BackendId);
            await EndAsync(new ErrorMessage(ErrorCodes.BackendUnavailable, $"GPU server {_lease?.BackendId} is unreachable: {ex.Message}"));
        }
    }

    private Task CheckIdleAsync(CancellationToken cancellationToken)
    {
        var idle = time.GetElapsedTime(_lastActivity);
        return _state == SessionState.Streaming && idle >= Settings.IdleTimeout
            ? EndAsync(new ClosedMessage(CloseReasons.IdleTimeout))
            : Task.CompletedTask;
    }

    private Task StopTimedOutAsync(CancellationToken cancellationToken) =>
        _state == SessionState.Stopping ? EndAsync(new ClosedMessage(CloseReasons.ClientClosed)) : Task.CompletedTask;

    /// <summary>
    /// The one way out of a session: the last message (if any) closes the client socket, the
    /// backend socket is closed, the lease is returned and the activation goes away.
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

        _idleTimer?.Dispose();

        // Close the GPU socket with a handshake first; cancelling the pending read first would abort it.
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
            _backend = null;
        }

        await _lifetime.CancelAsync();

        if (_lease is not null)
        {
            await GrainFactory.GetGrain<IBackendPoolGrain>(_lease.BackendId).Release(SessionId);
            _lease = null;
        }

        this.DeactivateOnIdle();
    }

    private void Publish(ClientMessage message, int? closeStatus = null) =>
        outbox.Post(_request.EdgeId, new SessionOutput(SessionId, message with { Seq = ++_seq }, closeStatus));

    private void Touch() => _lastActivity = time.GetTimestamp();

    private static string NewResumeToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} could not open a stream on GPU server {BackendId}")]
    private static partial void LogBackendConnectFailed(ILogger logger, Exception exception, string sessionId, string backendId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} lost its stream on GPU server {BackendId}")]
    private static partial void LogBackendLost(ILogger logger, Exception exception, string sessionId, string? backendId);
}
