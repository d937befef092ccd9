using System.Diagnostics;
using System.Net.WebSockets;
using OrleansStt.Client;

namespace OrleansStt.LoadTest;

/// <summary>
/// One simulated client: connects, lets a <see cref="Pacer"/> stream its audio until the window
/// ends, sends close_stream and waits (bounded) for <c>closed</c>, recording everything in <see cref="RunMetrics"/>.
/// With --raw-backend the same steps speak the GPU server protocol (<see cref="RawBackendConnection"/>):
/// start on connect, stop for close_stream, stopped for closed.
/// </summary>
/// <param name="index">Which of the run's sessions this is, to name it before the edge has.</param>
internal sealed class LoadSession(int index, SttConnectOptions connect, LoadTestOptions options, RunMetrics metrics, MeasureWindow window, CancellationToken deadline)
{
    // The last sessions of a ramp are due just before the window opens; a connect that long is still a healthy one.
    private static readonly long LateConnectGraceTicks = MeasureWindow.Ticks(TimeSpan.FromSeconds(1));

    private readonly TaskCompletionSource _sendingDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SessionObserver _observer = new(index, options.RawBackend ? options.Urls[index % options.Urls.Count].ToString() : connect.Uri.ToString(), metrics.Continuity);
    private string _ending = "not ended";
    private volatile bool _receiveEnded;

    /// <summary>Set before the session is handed to a pacer.</summary>
    public IStreamConnection Connection { get; private set; } = null!;

    /// <summary>The edge ended the session; the pacer stops sending.</summary>
    public bool ReceiveEnded => _receiveEnded;

    /// <summary>Called by the pacer once this session sends no more audio.</summary>
    public void FinishSending() => _sendingDone.TrySetResult();

    public async Task RunAsync(Pacer pacer)
    {
        try
        {
            if (await ConnectAsync() is not { } stt)
            {
                return;
            }

            try
            {
                await using (stt)
                {
                    Connection = stt;
                    await StreamAsync(stt, pacer);
                }
            }
            finally
            {
                metrics.SessionEnded();
            }
        }
        catch (Exception e)
        {
            // A bug or an exotic failure in one session must not end a run of thousands; it is reported.
            RunMetrics.Count(metrics.UnexpectedFailures, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Connects; with --retry-refused, a session an overloaded edge refuses comes back after the
    /// edge's Retry-After, as a well-behaved client would, as long as it would still join before the window.
    /// </summary>
    private async Task<IStreamConnection?> ConnectAsync()
    {
        while (true)
        {
            var (stt, retryAfter) = await TryConnectAsync();
            if (stt is not null || retryAfter is not { } wait || !options.RetryRefused
                || Stopwatch.GetTimestamp() + MeasureWindow.Ticks(wait) >= window.Start)
            {
                if (stt is null && retryAfter is not null)
                {
                    _observer.ConnectFailed("refused: capacity_exhausted");
                }

                return stt;
            }

            await Task.Delay(wait, deadline);
        }
    }

    /// <returns>The connection, or why not: the edge's Retry-After when it refused for capacity.</returns>
    private async Task<(IStreamConnection? Connection, TimeSpan? RetryAfter)> TryConnectAsync()
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            var stt = options.RawBackend
                ? await RawBackendConnection.ConnectAsync(options.Urls[index % options.Urls.Count], $"loadtest-{index}", options, timeout.Token)
                : await EdgeConnection.ConnectAsync(connect, timeout.Token);
            var connected = Stopwatch.GetTimestamp();
            // Connected before the window opens is in time, however long after the ramp (a retried refusal).
            var late = connected > Math.Max(window.RampEnd + LateConnectGraceTicks, window.Start);
            metrics.SessionOpened(Stopwatch.GetElapsedTime(started, connected), late);
            return (stt, null);
        }
        catch (SttRejectedException e) when (e is { StatusCode: 503, Code: "capacity_exhausted" })
        {
            metrics.SessionRefused(Stopwatch.GetElapsedTime(started));
            return (null, e.RetryAfter ?? TimeSpan.FromSeconds(1));
        }
        catch (SttRejectedException e)
        {
            ConnectFailed($"HTTP {e.StatusCode} {e.Code ?? "(no JSON code)"}");
        }
        catch (OperationCanceledException)
        {
            ConnectFailed(deadline.IsCancellationRequested ? "global deadline" : "timeout");
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException)
        {
            ConnectFailed(e.GetBaseException().Message);
        }

        return (null, null);
    }

    private void ConnectFailed(string reason)
    {
        RunMetrics.Count(metrics.ConnectFailures, reason);
        _observer.ConnectFailed(reason);
    }

    private async Task StreamAsync(IStreamConnection stt, Pacer pacer)
    {
        using var receiveStop = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        var receiving = ReceiveAsync(stt, receiveStop.Token);
        pacer.Add(this);
        try
        {
            await _sendingDone.Task.WaitAsync(deadline);
            if (!_receiveEnded)
            {
                await stt.SendEndOfAudioAsync(deadline);
            }
        }
        catch (OperationCanceledException)
        {
            // Global deadline: the receive side is cancelled too and records it.
        }
        catch (WebSocketException)
        {
            metrics.SendFailed();
        }

        receiveStop.CancelAfter(options.CloseTimeout);
        await receiving;
        // Every byte counted was handed to the socket: the pacer sends nothing after FinishSending (short of the deadline).
        _observer.Complete(options.CheckFinals ? options.Audio : null, stt.Latency.BytesSent, _ending);
    }

    private async Task ReceiveAsync(IStreamConnection stt, CancellationToken cancellationToken)
    {
        var (lastSeq, closed) = (0L, false);
        try
        {
            await foreach (var message in stt.ReadAllAsync(cancellationToken))
            {
                if (message.Seq != lastSeq + 1)
                {
                    metrics.SeqGap();
                    _observer.OnSeqGap();
                }

                lastSeq = message.Seq;
                switch (message)
                {
                    case SessionMessage session:
                        _observer.OnSession(session);
                        break;
                    case ResultMessage result:
                        metrics.Result(stt.Latency.TryMeasure(result, out var latency) ? latency : null, window.Contains(result.ArrivalTimestamp));
                        _observer.OnResult(result);
                        break;
                    case ErrorMessage error:
                        RunMetrics.Count(metrics.ErrorsByCode, error.Code);
                        _observer.OnError(error);
                        break;
                    case NoticeMessage notice:
                        RunMetrics.Count(metrics.NoticesByCode, notice.Code);
                        _observer.OnNotice(notice);
                        break;
                    case ClosedMessage:
                        closed = true;
                        _observer.OnClosed();
                        break;
                }
            }

            Ended(stt.CloseStatus is { } status
                ? (Enum.IsDefined(status) ? $"{(int)status} {status}" : $"{(int)status}")
                : "close frame without status");
        }
        catch (OperationCanceledException)
        {
            metrics.CloseTimedOut();
            Ended(deadline.IsCancellationRequested ? "aborted at global deadline" : "aborted after close timeout");
        }
        catch (WebSocketException e)
        {
            metrics.SessionBroken();
            // A session that could not be resumed says why (SttResumeFailedException): worth keeping apart.
            Ended(e.InnerException is SttResumeFailedException failed ? $"broken, not resumed ({failed.Reason})" : "broken without close frame");
        }
        catch (SttProtocolException e)
        {
            metrics.ProtocolError();
            Ended($"aborted on protocol violation: {e.Message}");
            stt.Abort();
        }
        finally
        {
            _receiveEnded = true;
            if (!closed)
            {
                metrics.ClosedWithoutClosedMessage();
            }
        }
    }

    /// <summary>Written by the receive loop, read once it has completed.</summary>
    private void Ended(string ending)
    {
        _ending = ending;
        RunMetrics.Count(metrics.CloseStatuses, ending);
    }
}
