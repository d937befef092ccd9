using Microsoft.Extensions.Logging;
using OrleansStt.Grains.Interfaces.Backends;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Interfaces.Sessions;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.Grains.Sessions;

// A session that outlives its silo: carried to another silo on shutdown (live migration), or
// rebuilt by its edge after a crash.
public sealed partial class SessionGrain
{
    public async Task<RecoveryOutcome> Recover(SessionRecovery recovery)
    {
        if (_state != SessionState.New)
        {
            // The edge only thought this session lost (a slow call): nothing to rebuild. The same
            // socket goes on under its new number, so it is no resume: nothing is closed with 4000,
            // and nothing is sent again (the edge asks for any gap as always).
            if (_lastRecovery is { } last && last.Link == recovery.Edge.Id)
            {
                // A retry of a recovery already done here (its answer was lost): the same answer.
                return last.Outcome;
            }

            if (!recovery.PreviousLinks.Any(_output.IsLinkedTo))
            {
                return RecoveryOutcome.Gone;
            }

            _output.Relink(recovery.Edge);
            _lastRecovery = (recovery.Edge.Id, RecoveryOutcome.Alive);
            if (_state == SessionState.Ended)
            {
                // Its socket is still linked, so the edge has not written the last message: the
                // call that found this session "lost" was merely answered late (close_stream on a
                // busy cluster), and its last messages went out under the link the edge just gave
                // up. They go again under the new one, so the client still gets its `closed`.
                _output.ResendAfter(recovery.DeliveredSeq);
                return RecoveryOutcome.Alive;
            }

            await CatchUpAsync(recovery);
            return RecoveryOutcome.Alive;
        }

        Initialize(recovery.Request, recovery.ResumeToken);
        _lastRecovery = (recovery.Edge.Id, RecoveryOutcome.Rebuilt);
        _output.Log.Restore(recovery.DeliveredSeq, []);
        _output.LinkTo(recovery.Edge);
        TakeOver(recovery.DeliveredEndMs, recovery.DeliveredFinalEndMs, recovery.ReplayStartBytes, recovery.Replay, recovery.AudioFrames, recovery.Closing);
        LogRecovering(logger, SessionId, recovery.DeliveredSeq, recovery.Replay.Length);
        await MoveAsync(failure: null, "the silo that held this session went away");
        return _state == SessionState.Ended ? RecoveryOutcome.Gone : RecoveryOutcome.Rebuilt;
    }

    /// <summary>
    /// A live session the edge took for lost may have missed what the edge sent meanwhile: the audio
    /// past what it has (both count bytes from the session's first), and <c>close_stream</c>. Audio
    /// the edge's copy no longer holds (its budget shed it) is skipped: the session goes on from
    /// where the copy starts rather than wait for it.
    /// </summary>
    private async Task CatchUpAsync(SessionRecovery recovery)
    {
        _early.Clear();
        var copyEnd = recovery.ReplayStartBytes + recovery.Replay.Length;
        if (copyEnd > _replay.End && _state == SessionState.Streaming)
        {
            if (_replay.End < recovery.ReplayStartBytes)
            {
                _replay.StartAt(recovery.ReplayStartBytes);
            }

            var audio = recovery.Replay.AsMemory(recovery.Replay.Length - (int)(copyEnd - _replay.End));
            _replay.Append(audio.Span, mayShed: !_moving);
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

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_arrived is { } snapshot)
        {
            _arrived = null;
            using (SessionLogScope.Begin(logger, SessionId))
            {
                Arrive(snapshot);
            }
        }

        metrics.SessionActivated();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        using var scope = SessionLogScope.Begin(logger, SessionId);
        metrics.SessionDeactivated();
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
            _replay.Clear();
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

        _finalizePending = snapshot.FinalizePending;
        _switches = snapshot.Switches;
        TakeOver(snapshot.CoveredMs, snapshot.FinalEndMs, snapshot.ReplayStartBytes, snapshot.Replay, snapshot.AudioFrames, snapshot.Closing);
        _ = MoveAsync(failure: null, "its silo shut down");
    }

    /// <summary>
    /// Goes on from where another activation left the session: the results the client has (up to
    /// <paramref name="coveredMs"/>, the last final up to <paramref name="finalEndMs"/>), the audio
    /// since that final, and whether <c>close_stream</c> came. A move to a GPU server follows.
    /// </summary>
    private void TakeOver(long coveredMs, long finalEndMs, long replayStartBytes, byte[] replay, long audioFrames, bool closing)
    {
        _timeline.Restore(coveredMs, finalEndMs);
        _replay.StartAt(replayStartBytes);
        // Arriving on a full silo, the session still replays all it brought: the sessions that
        // were there give up their oldest audio as they append.
        _replay.Append(replay, mayShed: false);
        _audioFrames = audioFrames;
        _state = closing ? SessionState.Stopping : SessionState.Streaming;
        StartWatchdog();
        if (closing)
        {
            StartStopTimeout();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} is rebuilt from its edge after seq {DeliveredSeq}, replaying {ReplayBytes} audio bytes")]
    private static partial void LogRecovering(ILogger logger, string sessionId, long deliveredSeq, int replayBytes);
}
