using System.Threading.Channels;
using Orleans.Runtime;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Delivery;
using OrleansStt.Grains.Interfaces.Delivery;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Interfaces.Sessions;
using OrleansStt.Grains.Sessions;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.EdgeHost.Sessions;

/// <summary>
/// The edge's side of one session: the grain it calls under its current link, the <c>seq</c> the
/// client has been given, and, when the session lives in another process, the copy needed to
/// rebuild it there if that process dies (the audio since the last final delivered). Output is
/// taken in <c>seq</c> order exactly once: duplicates are dropped, and a gap or a silence while
/// messages are owed is asked for again. A call that finds the session gone rebuilds it.
/// </summary>
public sealed partial class EdgeSession : IDisposable
{
    private readonly EdgeIdentity _edge;
    private readonly SttMetrics _metrics;
    private readonly OutputRouter _router;
    private readonly EdgeOptions _options;
    private readonly RecoveryCopies _copies;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChannelWriter<SessionOutput> _output;
    private readonly Action _overflow;

    private static readonly TimeSpan AudioTakenPollInterval = TimeSpan.FromMilliseconds(5);

    // Held while the copy changes and while a rebuild takes its snapshot and the new link, so a
    // frame is either in the snapshot or sent under the new link, never both.
    private readonly Lock _copyLock = new();
    private AudioReplayBuffer? _copy;

    private SessionRequest? _request;
    private string? _resumeToken;
    private long _audioFrames;

    // The session position after the last frame sent, the frames pushed one-way since the last
    // answered one, and when that answer came: together, the audio credit (EdgeOptions.AudioCredit).
    private long _audioBytes;
    private int _pushedFrames;
    private long _answeredAt;
    private bool _closing;
    private readonly SemaphoreSlim _rebuilding = new(1, 1);
    private bool _rebuilt;

    // The link before the last rebuild, still routed here: its output is taken too once the session
    // turned out alive (same activation, same seq), and dropped while that is unknown or when the
    // session was rebuilt (output of the lost activation).
    private long _previousLink = -1;
    private volatile bool _previousAccepted;

    // Every link this socket has had: a session that answers any of them is this socket's.
    private readonly List<long> _links = [];

    // Cancelled once the session is re-linked: a call still waiting under the old link (its silo or
    // its gateway died) is abandoned, since the rebuild took that call's audio from the copy.
    private CancellationTokenSource _linkReplaced = new();

    // The client's call in flight (the reader makes one at a time): when it started, 0 when none.
    // And when the last answered probe was sent: a call older than that, still unanswered, was lost
    // on its way (the session is non-reentrant, so it answers calls in the order they reach it).
    private long _callStartedAt;
    private long _answeredProbeSentAt;

    // Written by the delivery thread, read by the socket reader and the audit.
    private long _delivered;
    private long _deliveredEndMs;
    private long _deliveredFinalEndMs = -1;
    private long _lastProgressAt;
    private long _lastPolledAt;
    private long _lastResendAt;
    private int _polling;

    // What the previous poll saw: messages owed then and still not here, with nothing delivered
    // in between, are lost; owed messages that are merely late (a busy gateway) are left alone,
    // since asking for them again would only add to the load that delays them.
    private long _publishedAtLastPoll;
    private long _deliveredAtLastPoll = -1;

    // Set once the session's last message was taken or the socket is done: nothing to ask for or rebuild.
    private volatile bool _finished;

    public EdgeSession(
        string sessionId,
        ISessionGrain grain,
        EdgeIdentity edge,
        OutputRouter router,
        EdgeOptions options,
        RecoveryCopies copies,
        TimeProvider time,
        ILogger logger,
        ChannelWriter<SessionOutput> output,
        Action overflow,
        SttMetrics metrics)
    {
        _metrics = metrics;
        SessionId = sessionId;
        Grain = grain;
        _edge = edge;
        _router = router;
        _options = options;
        _copies = copies;
        _time = time;
        _logger = logger;
        _output = output;
        _overflow = overflow;
        Link = new EdgeLink(edge.Id, options.DeliveryStreams, edge.NextLinkId());
        _lastProgressAt = time.GetTimestamp();
        router.Register(this);
    }

    public string SessionId { get; }

    /// <summary>The session's audio sample rate, once it is opened or resumed: what a frame of audio is worth in time.</summary>
    public int SampleRate { get; private set; } = 16_000;

    public ISessionGrain Grain { get; }

    /// <summary>This socket's current link; a new one after each rebuild, so output of the lost activation is dropped.</summary>
    public EdgeLink Link { get; private set; }

    /// <summary>The highest <c>seq</c> taken for the client.</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Opens a new session.</summary>
    public async Task<OpenOutcome> OpenAsync(SessionRequest request)
    {
        _request = request;
        SampleRate = request.SampleRate;
        _copy = _copies.For(request.SampleRate);
        return await Grain.Open(request, Link);
    }

    /// <summary>PROTOCOL §1.3: false when the session answers <c>session_not_found</c>.</summary>
    public async Task<bool> ResumeAsync(string resumeToken, long lastSeq)
    {
        Volatile.Write(ref _delivered, lastSeq);
        var accepted = await Grain.Resume(resumeToken, lastSeq, Link);
        if (accepted is null)
        {
            return false;
        }

        lock (_copyLock)
        {
            (_request, _resumeToken, _audioFrames) = (accepted.Request, resumeToken, accepted.AudioFrames);
            SampleRate = accepted.Request.SampleRate;
            _copy = _copies.For(accepted.Request.SampleRate);
            _copy?.StartAt(accepted.ReplayStartBytes);
            _copy?.Append(accepted.Replay);
            _audioBytes = accepted.ReplayStartBytes + accepted.Replay.Length;
        }

        return true;
    }

    /// <summary>
    /// One client frame: pushed one-way while the audio credit lasts, else awaited, which renews
    /// the credit and is the reader's backpressure.
    /// </summary>
    public async Task SendAudioAsync(byte[] audio)
    {
        AudioChunk chunk;
        CancellationToken replaced;
        bool push;
        lock (_copyLock)
        {
            _audioFrames++;
            _copy?.ForgetBefore(Volatile.Read(ref _deliveredFinalEndMs));
            _copy?.Append(audio);
            (chunk, replaced) = (new AudioChunk(audio, Link.Id, _audioBytes), _linkReplaced.Token);
            _audioBytes += audio.Length;
            push = _pushedFrames < _options.AudioCredit && _time.GetElapsedTime(_answeredAt) < _options.AudioCreditTime;
            if (push)
            {
                _pushedFrames++;
            }
        }

        try
        {
            if (push)
            {
                await Grain.PushAudio(chunk);
                return;
            }

            if (await WatchedAsync(Grain.SendAudio(chunk), replaced))
            {
                RenewAudioCredit(chunk.Link);
                return;
            }
        }
        catch (Exception ex) when (IsSessionUnreachable(ex))
        {
            // The frame is in the copy the rebuilt session replays.
            await RecoverOrThrowAsync(chunk.Link, $"{ex.GetType().Name}: {ex.Message}");
            return;
        }

        // The session answers another link, or audio pushed before this frame was lost: re-linking
        // it takes what it lacks from the copy.
        await RelinkOrThrowAsync(chunk.Link);
    }

    /// <summary>
    /// Before a command: waits until the session took the audio pushed before it, since one-way
    /// frames may still be on their way and the command must not overtake them. Audio still missing
    /// <see cref="EdgeOptions.AudioCreditTime"/> after the first answer that lacked it was lost, and
    /// a re-link brings it from the copy.
    /// </summary>
    private async Task AudioTakenAsync()
    {
        long end, link;
        CancellationToken replaced;
        lock (_copyLock)
        {
            if (_pushedFrames == 0)
            {
                return;
            }

            (end, link, replaced) = (_audioBytes, Link.Id, _linkReplaced.Token);
        }

        long? shortSince = null;
        while (true)
        {
            long taken;
            try
            {
                taken = await WatchedAsync(Grain.AudioTaken(link), replaced);
            }
            catch (Exception ex) when (IsSessionUnreachable(ex))
            {
                await RecoverOrThrowAsync(link, $"{ex.GetType().Name}: {ex.Message}");
                return;
            }

            if (taken < 0)
            {
                await RelinkOrThrowAsync(link);
                return;
            }

            if (taken >= end)
            {
                RenewAudioCredit(link);
                return;
            }

            shortSince ??= _time.GetTimestamp();
            if (_time.GetElapsedTime(shortSince.Value) >= _options.AudioCreditTime)
            {
                await RecoverOrThrowAsync(link, $"audio from position {taken} on never reached it");
                return;
            }

            await Task.Delay(AudioTakenPollInterval, _time);
        }
    }

    private void RenewAudioCredit(long link)
    {
        lock (_copyLock)
        {
            if (Link.Id == link)
            {
                (_pushedFrames, _answeredAt) = (0, _time.GetTimestamp());
            }
        }
    }

    public async Task FinalizeAsync()
    {
        await AudioTakenAsync();
        await CommandAsync(static (grain, link) => grain.FinalizeUtterance(link), repeatAfterRecovery: true);
    }

    public async Task CloseStreamAsync()
    {
        await AudioTakenAsync();
        lock (_copyLock)
        {
            _closing = true;
        }

        // A rebuilt session is told it is closing, so the call need not be repeated.
        await CommandAsync(static (grain, link) => grain.CloseStream(link), repeatAfterRecovery: false);
    }

    public Task KeepaliveAsync() => CommandAsync(static (grain, link) => grain.Keepalive(link), repeatAfterRecovery: false);

    public Task RejectAsync(InputRejection rejection) => CommandAsync((grain, link) => grain.RejectInput(link, rejection), repeatAfterRecovery: true);

    public Task AnnounceDrainingAsync() => CommandAsync(static (grain, link) => grain.AnnounceDraining(link), repeatAfterRecovery: true);

    /// <summary>The socket is gone or done: a live session waits for a resume, an ended one goes away.</summary>
    public Task DetachAsync() => Grain.Detach(Link.Id);

    /// <summary>Called by the router, in the order the session's delivery stream brings them.</summary>
    public void Deliver(SessionOutput output)
    {
        if (output.Link != Link.Id && !(_previousAccepted && output.Link == Volatile.Read(ref _previousLink)))
        {
            return;
        }

        if (output.Message is not { } message)
        {
            _finished = true;
            Enqueue(output);
            return;
        }

        var delivered = Volatile.Read(ref _delivered);
        if (message.Seq <= delivered)
        {
            return;
        }

        if (message.Seq > delivered + 1 && message is not ErrorMessage { Code: ErrorCodes.Internal })
        {
            AskAgain(delivered, $"seq jumped from {delivered} to {message.Seq}");
            return;
        }

        // An internal error past a gap is the session saying it cannot fill that gap (the messages
        // are no longer logged): the client gets it with its seq rather than silence.

        Volatile.Write(ref _delivered, message.Seq);
        Volatile.Write(ref _lastProgressAt, _time.GetTimestamp());
        _finished |= output.CloseStatus is not null;
        switch (message)
        {
            case SessionMessage session:
                _resumeToken = session.ResumeToken;
                break;
            case TranscriptMessage transcript:
                NoteDeliveredEnd(transcript.EndMs);
                if (transcript.IsFinal)
                {
                    Volatile.Write(ref _deliveredFinalEndMs, transcript.EndMs);
                }

                break;
            case TranslationMessage translation:
                NoteDeliveredEnd(translation.EndMs);
                break;
        }

        Enqueue(output);
    }

    /// <summary>
    /// Called periodically by <see cref="DeliveryAudit"/>. A client's call unanswered for
    /// <see cref="EdgeOptions.ProbeAfter"/> makes the edge ask the session whether it is still there;
    /// after a loss was seen on this edge, a session silent for <see cref="EdgeOptions.ResendAfter"/>
    /// is asked what it published.
    /// </summary>
    public void Audit()
    {
        if (_finished)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var callStarted = Volatile.Read(ref _callStartedAt);
        if (_edge.SessionsLiveElsewhere && callStarted != 0 && _time.GetElapsedTime(callStarted, now) >= _options.ProbeAfter)
        {
            if (Volatile.Read(ref _answeredProbeSentAt) > callStarted)
            {
                StartPolling(now, RecoverLostCallAsync);
            }
            else
            {
                StartPolling(now, () => PollAsync(_options.ProbeAfter));
            }

            return;
        }

        if (_router.RecentlyDisrupted
            && _time.GetElapsedTime(Volatile.Read(ref _lastProgressAt), now) >= _options.ResendAfter
            && _time.GetElapsedTime(Volatile.Read(ref _lastPolledAt), now) >= _options.ResendAfter)
        {
            StartPolling(now, () => PollAsync(_options.ResendAfter));
        }
    }

    private void StartPolling(long now, Func<Task> poll)
    {
        if (Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return;
        }

        Volatile.Write(ref _lastPolledAt, now);
        _ = RunPollAsync(poll);
    }

    private async Task RunPollAsync(Func<Task> poll)
    {
        try
        {
            await poll();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The reader finds out the same on its next call, and ends the socket if it must.
            LogPollFailed(_logger, ex, SessionId);
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    /// <summary>
    /// Asks the session what it published. No answer within <paramref name="deadline"/> decides
    /// nothing (a busy cluster); an answer that it is gone rebuilds it.
    /// </summary>
    private async Task PollAsync(TimeSpan deadline)
    {
        var sent = _time.GetTimestamp();
        var (link, _) = CurrentLink();
        long published;
        using (var answerWithin = new CancellationTokenSource(deadline, _time))
        {
            var call = Grain.PublishedSeq(link);
            try
            {
                published = await call.WaitAsync(answerWithin.Token);
            }
            catch (OperationCanceledException) when (answerWithin.IsCancellationRequested)
            {
                call.Ignore();
                return;
            }
            catch (Exception ex) when (IsSessionUnreachable(ex))
            {
                await RecoverOrThrowAsync(link, $"{ex.GetType().Name}: {ex.Message}");
                return;
            }
        }

        Volatile.Write(ref _answeredProbeSentAt, sent);
        if (!_router.RecentlyDisrupted)
        {
            return;
        }

        var delivered = Volatile.Read(ref _delivered);
        if (_publishedAtLastPoll > delivered && delivered == _deliveredAtLastPoll)
        {
            AskAgain(delivered, $"{published - delivered} published messages never arrived");
        }

        (_publishedAtLastPoll, _deliveredAtLastPoll) = (published, delivered);
    }

    /// <summary>The session answered a probe sent after the call the reader still waits for: that call was lost on its way.</summary>
    private Task RecoverLostCallAsync() =>
        RecoverOrThrowAsync(CurrentLink().Id, "a call went unanswered while the session answers");

    private (long Id, CancellationToken Replaced) CurrentLink()
    {
        lock (_copyLock)
        {
            return (Link.Id, _linkReplaced.Token);
        }
    }

    /// <summary>
    /// One client call under the current link: watched by <see cref="Audit"/> while it waits, and
    /// abandoned once the session is re-linked (<see cref="CallAbandonedException"/>).
    /// </summary>
    private async Task<T> WatchedAsync<T>(Task<T> call, CancellationToken replaced)
    {
        Volatile.Write(ref _callStartedAt, _time.GetTimestamp());
        try
        {
            return await call.WaitAsync(replaced);
        }
        catch (OperationCanceledException) when (replaced.IsCancellationRequested)
        {
            call.Ignore();
            throw new CallAbandonedException(SessionId);
        }
        finally
        {
            Volatile.Write(ref _callStartedAt, 0);
        }
    }

    private void AskAgain(long delivered, string why)
    {
        // One request per ResendAfter: the messages asked for are on their way, and asking again
        // for each message behind the gap would only send them several times.
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref _lastResendAt);
        if (last != 0 && _time.GetElapsedTime(last, now) < _options.ResendAfter)
        {
            return;
        }

        Volatile.Write(ref _lastResendAt, now);
        _router.NoteDisruption();
        LogAskingAgain(_logger, SessionId, delivered, why);
        Grain.Resend(Link.Id, delivered).Ignore();
    }

    private void NoteDeliveredEnd(long endMs)
    {
        if (endMs > Volatile.Read(ref _deliveredEndMs))
        {
            Volatile.Write(ref _deliveredEndMs, endMs);
        }
    }

    private void Enqueue(SessionOutput output)
    {
        if (!_output.TryWrite(output))
        {
            _overflow();
        }
    }

    /// <summary>
    /// One client command. A call that finds the session lost, or gets no answer, rebuilds it (a
    /// live session just takes the new link), then repeats the command if it must.
    /// </summary>
    private async Task CommandAsync(Func<ISessionGrain, long, Task> call, bool repeatAfterRecovery) =>
        await CommandAsync(async (grain, link) =>
        {
            await call(grain, link);
            return true;
        }, repeatAfterRecovery);

    private async Task CommandAsync(Func<ISessionGrain, long, Task<bool>> call, bool repeatAfterRecovery)
    {
        var (link, replaced) = CurrentLink();
        try
        {
            if (await WatchedAsync(call(Grain, link), replaced))
            {
                return;
            }

            await RelinkOrThrowAsync(link);
        }
        catch (Exception ex) when (IsSessionUnreachable(ex))
        {
            await RecoverOrThrowAsync(link, $"{ex.GetType().Name}: {ex.Message}");
        }

        if (repeatAfterRecovery)
        {
            (link, replaced) = CurrentLink();
            await WatchedAsync(call(Grain, link), replaced);
        }
    }

    /// <summary>
    /// The session answered that it does not know <paramref name="link"/>: it was rebuilt or moved
    /// under another link of this socket (re-linking fixes that), or another socket resumed it
    /// (then this one is superseded and waits for its 4000).
    /// </summary>
    private async Task RelinkOrThrowAsync(long link)
    {
        LogSessionUnreachable(_logger, SessionId, "it answers another link");
        if (!await RecoverAsync(link))
        {
            throw new SocketSupersededException(SessionId);
        }
    }

    private async Task RecoverOrThrowAsync(long link, string why)
    {
        using var activity = SttActivities.Source.StartActivity("stt.session.recover");
        activity?.SetTag(SttActivities.SessionId, SessionId).SetTag("stt.session.unreachable", why);
        LogSessionUnreachable(_logger, SessionId, why);
        _router.NoteDisruption();
        if (!await RecoverAsync(link))
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "the session is lost");
            throw new SessionLostException(SessionId);
        }
    }

    private static bool IsSessionUnreachable(Exception ex) =>
        ex is SessionLostException or CallAbandonedException or SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or Orleans.Runtime.Messaging.ConnectionFailedException;

    /// <summary>
    /// Rebuilds the session after a call under <paramref name="lostLink"/> found it unreachable.
    /// Rebuilds run one at a time: a rebuild that began after that call (the link has changed since)
    /// took the call's audio in its copy, so its outcome answers this call too.
    /// </summary>
    private async Task<bool> RecoverAsync(long lostLink)
    {
        await _rebuilding.WaitAsync();
        try
        {
            SessionRecovery recovery;
            CancellationTokenSource replaced;
            lock (_copyLock)
            {
                if (Link.Id != lostLink && _rebuilt)
                {
                    return true;
                }

                if (_finished || !_edge.SessionsLiveElsewhere)
                {
                    // An ended session is not brought back; and in the single-process gateway a
                    // session cannot outlive its silo without its edge, so "lost" there means ended.
                    return false;
                }

                if (_request is null || _resumeToken is null)
                {
                    // Lost before its first message reached the client: there is nothing to go on from.
                    return false;
                }

                if (_previousLink >= 0)
                {
                    _router.Unregister(_previousLink);
                }

                _previousAccepted = false;
                Volatile.Write(ref _previousLink, Link.Id);
                _links.Add(Link.Id);
                Link = Link with { Id = _edge.NextLinkId() };
                replaced = _linkReplaced;
                _linkReplaced = new CancellationTokenSource();
                // Everything pushed so far is in the copy the recovery carries.
                _pushedFrames = 0;
                _router.Register(this);
                recovery = new SessionRecovery(
                    _request, Link, _resumeToken, Volatile.Read(ref _delivered), Volatile.Read(ref _deliveredEndMs),
                    Volatile.Read(ref _deliveredFinalEndMs), _audioFrames, _copy?.Start ?? 0, _copy?.ToArray() ?? [], _closing, [.. _links]);
            }

            var outcome = await RebuildAsync(recovery);
            if (outcome != RecoveryOutcome.Gone)
            {
                // Counted here, once per recovery: callers that found it already done return above.
                _metrics.Recoveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome == RecoveryOutcome.Rebuilt ? "rebuilt" : "alive"));
            }

            if (outcome == RecoveryOutcome.Alive)
            {
                _previousAccepted = true;
            }
            else
            {
                _router.Unregister(_previousLink);
            }

            _rebuilt = outcome != RecoveryOutcome.Gone;
            replaced.Cancel();
            return _rebuilt;
        }
        finally
        {
            _rebuilding.Release();
        }
    }

    private async Task<RecoveryOutcome> RebuildAsync(SessionRecovery recovery)
    {
        var started = _time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                var outcome = await Grain.Recover(recovery);
                LogRecovered(_logger, SessionId, outcome, _time.GetElapsedTime(started).TotalMilliseconds);
                return outcome;
            }
            catch (Exception ex) when (IsSessionUnreachable(ex) && _time.GetElapsedTime(started) < _options.RecoveryTimeout)
            {
                // The cluster has not yet declared the dead silo dead, so calls still go its way.
                await Task.Delay(delay, _time);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
    }

    public void Dispose()
    {
        _finished = true;
        lock (_copyLock)
        {
            _router.Unregister(Link.Id);
            _router.Unregister(_previousLink);
            _copy?.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} missed messages after seq {Delivered} ({Why}); asking for them again")]
    private static partial void LogAskingAgain(ILogger logger, string sessionId, long delivered, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} is unreachable ({Why}); rebuilding it")]
    private static partial void LogSessionUnreachable(ILogger logger, string sessionId, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} recovery: {Outcome} after {Milliseconds:0} ms")]
    private static partial void LogRecovered(ILogger logger, string sessionId, RecoveryOutcome outcome, double milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Asking session {SessionId} what it published failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string sessionId);
}
