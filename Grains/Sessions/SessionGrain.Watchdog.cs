using Microsoft.Extensions.Logging;
using OrleansStt.Grains.Interfaces.Backends;
using OrleansStt.Grains.Interfaces.Protocol;

namespace OrleansStt.Grains.Sessions;

// The session's deadlines: one timer for idle, grace period, stalled stop, lease renewal and how
// long an ended session stays, woken at the earliest; and close_stream's own stop timeout.
public sealed partial class SessionGrain
{
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
        else if (_state == SessionState.Streaming && _unlinkedAt is null && !_moving && time.GetElapsedTime(_lastAudioAt, now) >= Settings.NoAudioTimeout)
        {
            LogNoAudio(logger, SessionId, Settings.NoAudioTimeout);
            await EndAsync(new ClosedMessage(CloseReasons.NoAudio));
            return;
        }
        else if (time.GetElapsedTime(_startedAt, now) >= Settings.MaxLifetime)
        {
            LogMaxLifetime(logger, SessionId, Settings.MaxLifetime);
            await EndAsync(new ClosedMessage(CloseReasons.MaxLifetime));
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
            // Idle and no-audio deadlines only bind a linked session that streams: after close_stream
            // or during a move they would fall due over and over.
            due = Settings.MaxLifetime - time.GetElapsedTime(_startedAt, now);
            if (_unlinkedAt is { } unlinked)
            {
                due = Earliest(due, Settings.GracePeriod - time.GetElapsedTime(unlinked, now));
            }
            else if (_state == SessionState.Streaming && !_moving)
            {
                due = Earliest(due, Earliest(
                    Settings.IdleTimeout - time.GetElapsedTime(_lastActivity, now),
                    Settings.NoAudioTimeout - time.GetElapsedTime(_lastAudioAt, now)));
            }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} ends: no audio within {Timeout}")]
    private static partial void LogNoAudio(ILogger logger, string sessionId, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} ends: it reached its maximum lifetime of {Lifetime}")]
    private static partial void LogMaxLifetime(ILogger logger, string sessionId, TimeSpan lifetime);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} ends: no resume within {GracePeriod}")]
    private static partial void LogGraceExpired(ILogger logger, string sessionId, TimeSpan gracePeriod);
}
