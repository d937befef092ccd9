using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansStt.LoadTest;

/// <summary>
/// Sends audio for a share of the sessions from one timer loop, instead of a timer per session:
/// every tick it sends each session the frames that have come due since it joined (frame k is due
/// k intervals after joining, so pacing never drifts). A send that does not complete synchronously
/// is polled on later ticks rather than awaited, so one slow socket never delays the others.
/// </summary>
internal sealed class Pacer(FrameSource frames, TimeSpan interval, MeasureWindow window, RunMetrics metrics)
{
    private readonly ConcurrentQueue<PacedSession> _joining = new();
    private readonly List<PacedSession> _active = [];
    private readonly double _intervalTicks = interval.TotalSeconds * Stopwatch.Frequency;

    public void Add(LoadSession session) => _joining.Enqueue(new PacedSession(session, Stopwatch.GetTimestamp()));

    public async Task RunAsync(CancellationToken stop)
    {
        // Fine enough that a frame leaves within a few ms of its due time; coarse enough to stay cheap.
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(interval.TotalMilliseconds / 5, 1, 5));
        using var timer = new PeriodicTimer(tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                Tick(Stopwatch.GetTimestamp());
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the run is over or hit its deadline.
        }
        finally
        {
            while (_joining.TryDequeue(out var late))
            {
                _active.Add(late);
            }

            _active.ForEach(s => s.Session.FinishSending());
        }
    }

    private void Tick(long now)
    {
        while (_joining.TryDequeue(out var joined))
        {
            _active.Add(joined);
        }

        for (var i = _active.Count - 1; i >= 0; i--)
        {
            if (!Advance(_active[i], now))
            {
                _active[i].Session.FinishSending();
                _active[i] = _active[^1];
                _active.RemoveAt(_active.Count - 1);
            }
        }
    }

    /// <returns>False once the session sends no more audio.</returns>
    private bool Advance(PacedSession paced, long now)
    {
        if (paced.Session.ReceiveEnded)
        {
            return false;
        }

        if (paced.PendingSend is { } pending)
        {
            if (!pending.IsCompleted)
            {
                return true;
            }

            paced.PendingSend = null;
            if (!Succeeded(pending))
            {
                return false;
            }
        }

        while (true)
        {
            var due = paced.JoinedAt + (long)(paced.NextFrame * _intervalTicks);
            if (due >= window.End)
            {
                // Its last frame is sent; close_stream waits for the window's end, so that thousands of
                // sessions closing do not load the last moments of the measurement.
                return now < window.End;
            }

            if (due > now)
            {
                return true;
            }

            var send = paced.Session.Connection.SendAudioAsync(frames.Frame(paced.NextFrame));
            paced.NextFrame++;
            metrics.FrameSent(window.Contains(now), Stopwatch.GetElapsedTime(due, now));
            if (!send.IsCompleted)
            {
                paced.PendingSend = send;
                return true;
            }

            if (!Succeeded(send))
            {
                return false;
            }
        }
    }

    private bool Succeeded(Task send)
    {
        if (send.IsCompletedSuccessfully)
        {
            return true;
        }

        // Observed here so the failure is counted once and never surfaces as an unobserved task exception.
        _ = send.Exception;
        metrics.SendFailed();
        return false;
    }

    private sealed class PacedSession(LoadSession session, long joinedAt)
    {
        public LoadSession Session { get; } = session;
        public long JoinedAt { get; } = joinedAt;
        public long NextFrame { get; set; }
        public Task? PendingSend { get; set; }
    }
}
