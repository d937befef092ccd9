using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;

namespace OrleansStt.Client;

/// <summary>
/// One <c>/v1/listen</c> session over a <see cref="ClientWebSocket"/>, moved to a new socket when
/// the old one breaks or its edge drains (PROTOCOL.md §1.3) unless
/// <see cref="SttConnectOptions.Resume"/> is disabled. Sends may come from any thread (they are
/// serialized); <see cref="ReadAllAsync"/> must have a single reader, and it is the reader that
/// resumes: the replayed messages and the <c>resumed</c> notice arrive through it, so a session
/// nobody reads stays broken.
/// </summary>
public sealed class SttSession : IAsyncDisposable
{
    /// <summary>The edge closed this socket because another one resumed the session: never a reason to resume.</summary>
    public const int SupersededCloseStatus = 4000;

    private static readonly byte[] Finalize = Encoding.UTF8.GetBytes("""{"type":"finalize"}""");
    private static readonly byte[] CloseStream = Encoding.UTF8.GetBytes("""{"type":"close_stream"}""");
    private static readonly byte[] Keepalive = Encoding.UTF8.GetBytes("""{"type":"keepalive"}""");

    private readonly IReadOnlyList<Uri> _edges;
    private readonly SentAudioBuffer _sent;

    // Guards _links, _current, _live, the resume deadline and the end flags against the reader, senders and Abort.
    private readonly Lock _gate = new();

    // Held across one send, and by a resume while it sends frames again, so those go out before any new one.
    // Never held while waiting for a resume. Left undisposed like FrameSender's.
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    // Cancelled by Abort and DisposeAsync: stops a resume's attempts and backoff.
    private readonly CancellationTokenSource _abandon = new();

    // The sockets the reader reads: one, or two while a draining edge hands the session to the next.
    private readonly List<EdgeLink> _links = [];

    // What State and CloseStatus describe: the socket the session is on, or last was on.
    private EdgeLink _current;

    // Completed with the socket sends go to; a pending one while the session waits for a resumed notice.
    private TaskCompletionSource<EdgeLink> _live;

    // While a resume is under way: when the session lost its socket (or its edge drained), and the deadline.
    private long _resumeStartedAt;
    private CancellationTokenSource? _giveUp;

    private string? _sessionId;
    private string? _resumeToken;
    private long _lastSeq;
    private volatile bool _closeStreamSent;
    private volatile bool _closedReceived;
    private volatile bool _ended;
    private volatile bool _abandoned;
    private SttResumeFailedException? _resumeFailure;

    private SttSession(SttConnectOptions options, LatencyTracker latency, EdgeLink link)
    {
        Options = options;
        Latency = latency;
        _edges = options.Edges;
        _sent = new SentAudioBuffer(options.Resume.Enabled ? options.Resume.MaxBufferedAudioBytes : 0);
        _links.Add(link);
        _current = link;
        _live = Live(link);
        (_sessionId, _resumeToken, _lastSeq) = (options.SessionId, options.ResumeToken, options.LastSeq ?? 0);
    }

    public SttConnectOptions Options { get; }

    /// <summary>Every <see cref="SendAudioAsync"/> is recorded here once, ready to measure results against; frames sent again after a resume are not.</summary>
    public LatencyTracker Latency { get; }

    /// <summary>The current socket's state: during a resume, the broken one's until an edge accepts.</summary>
    public WebSocketState State => _current.Socket.State;

    /// <summary>Set once the edge's close frame has been received on the current socket.</summary>
    public WebSocketCloseStatus? CloseStatus => _current.Socket.CloseStatus;

    public string? CloseStatusDescription => _current.Socket.CloseStatusDescription;

    /// <summary>The edge of the current socket, one of <see cref="SttConnectOptions.Edges"/>.</summary>
    public Uri Edge => _edges[_current.EdgeIndex];

    /// <summary>Resumes completed so far (each also yields a <c>resumed</c> notice).</summary>
    public int Resumes { get; private set; }

    /// <summary>
    /// The last resume's silence: from the break (or the <c>draining</c> notice) to the first message
    /// on the new socket. Null before the first resume.
    /// </summary>
    public TimeSpan? LastResumeSilence { get; private set; }

    /// <summary>Why the session could not be resumed, once that has happened.</summary>
    public SttResumeFailedException? ResumeFailure => _resumeFailure;

    /// <exception cref="SttRejectedException">The edge answered the upgrade with an HTTP error.</exception>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="SttConnectOptions.Validate"/>).</exception>
    public static async Task<SttSession> ConnectAsync(SttConnectOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var latency = new LatencyTracker(options.EffectiveSampleRate);
        var link = await EdgeLink.ConnectAsync(options.BuildUri(), 0, options.ApiKey, latency, cancellationToken).ConfigureAwait(false);
        return new SttSession(options, latency, link);
    }

    /// <summary>
    /// Sends one binary frame and records its send time in <see cref="Latency"/>. While the session
    /// is being resumed it waits for the new socket (at most <see cref="SttResumeOptions.GiveUpAfter"/>);
    /// a frame lost with a broken socket goes out again after the resume.
    /// </summary>
    public async Task SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken = default)
    {
        // Taken before any wait: time spent waiting for the socket, or for a resume, is part of what the user waits for.
        var requested = Stopwatch.GetTimestamp();
        var link = await LockLiveLinkAsync(cancellationToken).ConfigureAwait(false);
        WebSocketException broken;
        try
        {
            _sent.Add(audio.Span);
            Latency.RecordSent(audio.Length, requested);
            await SendOnAsync(link, audio, WebSocketMessageType.Binary, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (WebSocketException e) when (CanResume)
        {
            broken = e;
        }
        finally
        {
            _sendLock.Release();
        }

        // The frame is kept: the resume sends it again unless the edge says it has it.
        await AwaitResumeAsync(link, broken, cancellationToken).ConfigureAwait(false);
    }

    public Task SendFinalizeAsync(CancellationToken cancellationToken = default) => SendTextAsync(Finalize, closesStream: false, cancellationToken);

    /// <summary>After this the session is no longer resumed (PROTOCOL.md §1.3): a break ends it.</summary>
    public Task SendCloseStreamAsync(CancellationToken cancellationToken = default) => SendTextAsync(CloseStream, closesStream: true, cancellationToken);

    public Task SendKeepaliveAsync(CancellationToken cancellationToken = default) => SendTextAsync(Keepalive, closesStream: false, cancellationToken);

    /// <summary>Sends <paramref name="raw"/> as one text frame, unchecked (for malformed-input tests).</summary>
    public Task SendTextAsync(string raw, CancellationToken cancellationToken = default) =>
        SendTextAsync(Encoding.UTF8.GetBytes(raw), closesStream: false, cancellationToken);

    /// <summary>
    /// Yields every message until the edge closes the socket with a close frame (then
    /// <see cref="CloseStatus"/> is set and the close is acknowledged). A connection that breaks
    /// without a close frame throws <see cref="WebSocketException"/>; a frame that breaks the
    /// protocol throws <see cref="SttProtocolException"/>. Stopping early loses nothing: a later
    /// call goes on with the next message. Cancelling <paramref name="cancellationToken"/> while a
    /// receive is pending aborts the connection, as <see cref="ClientWebSocket"/> does.
    /// <para>
    /// With resume enabled, once the <c>session</c> message has arrived, a break, a close with 1001
    /// (going away) or a <c>draining</c> notice moves the session to a new socket and the messages
    /// go on: in <c>seq</c> order without gaps or duplicates, the <c>draining</c> and
    /// <c>resumed</c> notices included. Not after <c>close_stream</c> was sent or <c>closed</c>
    /// received, nor after a close with <see cref="SupersededCloseStatus"/>. When the session cannot
    /// be resumed this throws a <see cref="WebSocketException"/> whose inner exception is the
    /// <see cref="SttResumeFailedException"/> saying why, with <see cref="CloseStatus"/> still the
    /// broken socket's: where resume is off, the same session would have ended with that close or
    /// that <see cref="WebSocketException"/>.
    /// </para>
    /// </summary>
    public async IAsyncEnumerable<ServerMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await NextMessageAsync(cancellationToken).ConfigureAwait(false) is { } message)
        {
            yield return message;
        }
    }

    /// <summary>Drops the connection without a close frame, as a client that vanishes would; nothing resumes it.</summary>
    public void Abort()
    {
        lock (_gate)
        {
            _abandoned = true;
            _current.Abort();
            foreach (var link in _links)
            {
                link.Abort();
            }

            EndLocked();
        }

        _abandon.Cancel();
    }

    /// <summary>Closes politely (1000) if the socket is still open, then releases it; a resume under way stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _abandoned = true;
        _abandon.Cancel();
        await _current.Sender.CloseOutputAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _current.Dispose();
            foreach (var link in _links)
            {
                link.Dispose();
            }

            EndLocked();
        }
    }

    private bool CanResume =>
        Options.Resume.Enabled && _sessionId is not null && _resumeToken is not null
        && !_closeStreamSent && !_closedReceived && !_ended && !_abandoned;

    private static TaskCompletionSource<EdgeLink> Live(EdgeLink link)
    {
        var live = new TaskCompletionSource<EdgeLink>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.SetResult(link);
        return live;
    }

    private async Task SendTextAsync(ReadOnlyMemory<byte> utf8, bool closesStream, CancellationToken cancellationToken)
    {
        while (true)
        {
            var link = await LockLiveLinkAsync(cancellationToken).ConfigureAwait(false);
            WebSocketException broken;
            try
            {
                // Set before the send: once close_stream may have reached the edge, the session may be over.
                _closeStreamSent |= closesStream;
                await SendOnAsync(link, utf8, WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (WebSocketException e) when (CanResume)
            {
                broken = e;
            }
            finally
            {
                _sendLock.Release();
            }

            // Not kept like audio: it goes out again on the new socket.
            await AwaitResumeAsync(link, broken, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask SendOnAsync(EdgeLink link, ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        try
        {
            await (type == WebSocketMessageType.Binary
                ? link.Sender.SendBinaryAsync(data, cancellationToken)
                : link.Sender.SendTextAsync(data, cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // ClientWebSocket aborts a socket whose send was cancelled: the caller dropping it, not a break to resume from.
            Abort();
            throw;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && CanResume)
        {
            // The session aborted or released this socket itself (it broke, or the next edge took over): as good as broken.
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, e.Message, e);
        }
    }

    /// <summary>Waits out a resume, then takes the send lock on the socket sends go to.</summary>
    private async ValueTask<EdgeLink> LockLiveLinkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var live = await LiveLinkAsync(cancellationToken).ConfigureAwait(false);
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                // A resume may have begun or finished meanwhile; its re-sent frames must go out before this one.
                if (_live.Task.IsCompletedSuccessfully && _live.Task.Result == live)
                {
                    return live;
                }
            }

            _sendLock.Release();
        }
    }

    private async ValueTask<EdgeLink> LiveLinkAsync(CancellationToken cancellationToken)
    {
        Task<EdgeLink> live;
        lock (_gate)
        {
            live = _live.Task;
        }

        try
        {
            return await live.WaitAsync(Options.Resume.GiveUpAfter, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            // The reader gives up by then too; this is for a session nothing reads.
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely,
                $"The connection broke and the session was not resumed within {Options.Resume.GiveUpAfter}; only a running ReadAllAsync resumes it.", e);
        }
    }

    /// <summary>After a send failed on <paramref name="broken"/>: waits for the resume, or rethrows when the session ended on that socket.</summary>
    private async Task AwaitResumeAsync(EdgeLink broken, WebSocketException failure, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            SuspendLocked(broken);
        }

        if (await LiveLinkAsync(cancellationToken).ConfigureAwait(false) == broken)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Sends wait from now on, unless <paramref name="link"/> is no longer the one they go to or the session cannot be resumed.</summary>
    private void SuspendLocked(EdgeLink link)
    {
        if (CanResume && _live.Task.IsCompletedSuccessfully && _live.Task.Result == link)
        {
            _live = new TaskCompletionSource<EdgeLink>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>No resume any more: waiting sends go to the current socket and fail there as they would have without resume.</summary>
    private void EndLocked()
    {
        EndResumeLocked();
        _live.TrySetResult(_current);
    }

    private void StartResumeLocked(long startedAt)
    {
        if (_giveUp is not null)
        {
            return;
        }

        _resumeStartedAt = startedAt;
        _giveUp = new CancellationTokenSource(Options.Resume.GiveUpAfter);
        // A new socket that never says resumed must not hold the session past the deadline either.
        _giveUp.Token.Register(AbortCandidates);
    }

    private void EndResumeLocked()
    {
        _giveUp?.Dispose();
        _giveUp = null;
    }

    private void AbortCandidates()
    {
        lock (_gate)
        {
            foreach (var link in _links.Where(link => !(_live.Task.IsCompletedSuccessfully && _live.Task.Result == link)))
            {
                link.Abort();
            }
        }
    }

    private async ValueTask<ServerMessage?> NextMessageAsync(CancellationToken cancellationToken)
    {
        if (_resumeFailure is { } failed)
        {
            throw failed.Thrown;
        }

        try
        {
            while (true)
            {
                var link = _links.Count == 1 ? _links[0] : await EdgeLink.ReadEitherAsync(_links[0], _links[1], cancellationToken).ConfigureAwait(false);
                TextFrame? frame;
                try
                {
                    frame = await link.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WebSocketException
                    || (e is OperationCanceledException && Options.Resume.Enabled && !cancellationToken.IsCancellationRequested && !_abandoned))
                {
                    // Cancelled without the caller or Abort: a socket the session aborted itself (past a resume's deadline, or
                    // one whose re-sending failed).
                    await OnBrokenAsync(link, e as WebSocketException ?? new WebSocketException(WebSocketError.ConnectionClosedPrematurely, e.Message, e),
                        cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (frame is not { } received)
                {
                    if (await OnClosedAsync(link, cancellationToken).ConfigureAwait(false))
                    {
                        return null;
                    }

                    continue;
                }

                var message = ServerMessageParser.Parse(received.Utf8.Span, received.ArrivalTimestamp);
                if (message.Seq <= _lastSeq && Options.Resume.Enabled)
                {
                    // Already delivered by the other socket of a handover.
                    continue;
                }

                _lastSeq = message.Seq;
                await OnMessageAsync(link, message, cancellationToken).ConfigureAwait(false);
                return message;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // ClientWebSocket aborts a socket whose receive was cancelled; the session goes with it, not resumed.
            Abort();
            throw;
        }
    }

    private async ValueTask OnMessageAsync(EdgeLink link, ServerMessage message, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case SessionMessage session:
                // A later session message may carry a new token; the old one stays valid until then.
                (_sessionId, _resumeToken) = (session.SessionId, session.ResumeToken);
                break;
            case ClosedMessage:
                _closedReceived = true;
                break;
            case NoticeMessage { Code: NoticeMessage.Resumed, AudioFrames: { } frames } resumed:
                await OnResumedAsync(link, frames, resumed, cancellationToken).ConfigureAwait(false);
                break;
            case NoticeMessage { Code: NoticeMessage.Draining } when CanResume && _links.Count == 1:
                await HandOverAsync(link, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>A socket broke without a close frame.</summary>
    private async ValueTask OnBrokenAsync(EdgeLink link, WebSocketException broken, CancellationToken cancellationToken)
    {
        if (_links.Count > 1)
        {
            Drop(link);
        }
        else if (CanResume)
        {
            await ResumeAsync(link, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            lock (_gate)
            {
                _ended = true;
                EndLocked();
            }

            ExceptionDispatchInfo.Throw(broken);
        }
    }

    /// <returns>True when the session ends with this close frame.</returns>
    private async ValueTask<bool> OnClosedAsync(EdgeLink link, CancellationToken cancellationToken)
    {
        if (_links.Count > 1)
        {
            // Typically the draining edge's 4000 once the next edge has taken the session.
            Drop(link);
            return false;
        }

        if (link.Socket.CloseStatus == WebSocketCloseStatus.EndpointUnavailable && CanResume)
        {
            await ResumeAsync(link, cancellationToken).ConfigureAwait(false);
            return false;
        }

        lock (_gate)
        {
            _ended = true;
            EndLocked();
        }

        if (link.Socket.State == WebSocketState.CloseReceived)
        {
            await link.Sender.CloseOutputAsync().ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Forgets one of the two sockets of a handover; the other carries the session on.</summary>
    private void Drop(EdgeLink link)
    {
        lock (_gate)
        {
            _links.Remove(link);
            SuspendLocked(link);
            if (_current == link)
            {
                _current = _links[0];
            }

            if (_live.Task.IsCompletedSuccessfully && _live.Task.Result == _links[0])
            {
                // The new edge failed before it said resumed; the old one goes on, and its end resumes afresh.
                EndResumeLocked();
            }
        }

        link.Dispose();
    }

    /// <summary>
    /// After a <c>draining</c> notice: one quick pass over the other edges while the draining one
    /// still delivers. If none accepts, the draining socket goes on and its end resumes with backoff.
    /// </summary>
    private async ValueTask HandOverAsync(EdgeLink draining, CancellationToken cancellationToken)
    {
        CancellationToken giveUp;
        lock (_gate)
        {
            StartResumeLocked(Stopwatch.GetTimestamp());
            giveUp = _giveUp!.Token;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, giveUp, _abandon.Token);
        for (var i = 1; i <= _edges.Count; i++)
        {
            var edge = (draining.EdgeIndex + i) % _edges.Count;
            try
            {
                var link = await ConnectResumeAsync(edge, stop.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    if (!_abandoned)
                    {
                        // The session now answers the new socket only: what is sent from here on waits
                        // for its resumed notice, so that nothing goes to a socket the session ignores.
                        _links.Add(link);
                        SuspendLocked(draining);
                        return;
                    }
                }

                link.Dispose();
                break;
            }
            catch (Exception e) when (e is SttRejectedException or WebSocketException or HttpRequestException)
            {
                // The next edge, or in the end the draining socket's own end, may do better.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        lock (_gate)
        {
            EndResumeLocked();
        }
    }

    /// <summary>
    /// Replaces the sole, broken socket with a resumed one: tries the edges in turn from the one it
    /// was on, with backoff, until one accepts (the reader then waits for its <c>resumed</c>), every
    /// edge refuses for good, or the deadline passes.
    /// </summary>
    private async ValueTask ResumeAsync(EdgeLink from, CancellationToken cancellationToken)
    {
        CancellationToken giveUp;
        lock (_gate)
        {
            SuspendLocked(from);
            // Kept when the socket that broke was itself a resume's: the deadline counts from the first break.
            StartResumeLocked(Stopwatch.GetTimestamp());
            giveUp = _giveUp!.Token;
        }

        from.Abort();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, giveUp, _abandon.Token);
        var refused = new HashSet<int>();
        var allNotFound = true;
        Exception? lastError = null;
        TimeSpan retryAfter = default;
        var edge = from.EdgeIndex;
        for (var attempt = 0; ; attempt++, edge = (edge + 1) % _edges.Count)
        {
            while (refused.Contains(edge))
            {
                edge = (edge + 1) % _edges.Count;
            }

            try
            {
                if (attempt > 0)
                {
                    var backoff = Options.Resume.BackoffBefore(attempt);
                    await Task.Delay(backoff > retryAfter ? backoff : retryAfter, stop.Token).ConfigureAwait(false);
                }

                var link = await ConnectResumeAsync(edge, stop.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    if (!_abandoned)
                    {
                        _links[_links.IndexOf(from)] = link;
                        _current = link;
                        from.Dispose();
                        return;
                    }
                }

                link.Dispose();
                throw AbortedWhileResuming();
            }
            catch (SttRejectedException e) when (e.StatusCode is 400 or 401 or 404)
            {
                // Refused for good by this edge: not tried again.
                (lastError, allNotFound) = (e, allNotFound && e.StatusCode == 404);
                refused.Add(edge);
                if (refused.Count == _edges.Count)
                {
                    throw allNotFound
                        ? Fail(SttResumeFailure.SessionNotFound, $"every edge answered 404 ({e.Code}: {e.Message})", e)
                        : Fail(SttResumeFailure.Rejected, $"every edge refused it, the last with HTTP {e.StatusCode} ({e.Code}: {e.Message})", e);
                }
            }
            catch (SttRejectedException e)
            {
                // 503 or 429: another edge may take it now; the same one only after its Retry-After.
                lastError = e;
                retryAfter = _edges.Count == 1 && e.RetryAfter is { } wait ? wait : default;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException)
            {
                lastError = e;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (_abandoned)
                {
                    throw AbortedWhileResuming();
                }

                throw Fail(SttResumeFailure.TimedOut,
                    $"no edge resumed it within {Options.Resume.GiveUpAfter} ({lastError?.Message ?? "no answer"})", lastError);
            }
        }
    }

    private Task<EdgeLink> ConnectResumeAsync(int edge, CancellationToken cancellationToken) =>
        EdgeLink.ConnectAsync(
            Options.BuildResumeUri(_edges[edge], _sessionId!, _resumeToken!, _lastSeq), edge, Options.ApiKey, Latency, cancellationToken);

    /// <summary>
    /// The <c>resumed</c> notice: the new socket becomes the one sends go to, after the frames the
    /// edge had not accepted went out on it again, in order.
    /// </summary>
    private async ValueTask OnResumedAsync(EdgeLink link, long frames, NoticeMessage resumed, CancellationToken cancellationToken)
    {
        bool openedAsResume;
        lock (_gate)
        {
            openedAsResume = _live.Task.IsCompletedSuccessfully && _live.Task.Result == link;
            if (!openedAsResume)
            {
                // Whatever the draining socket still holds is a duplicate by now.
                foreach (var other in _links.Where(other => other != link))
                {
                    other.Dispose();
                }

                _links.RemoveAll(other => other != link);
                _current = link;
            }
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (openedAsResume)
            {
                // The caller resumed by hand (SttConnectOptions.SessionId): its frames continue the edge's count.
                _sent.Offset(frames);
                return;
            }

            if (frames > _sent.Count)
            {
                throw new SttProtocolException($"The edge resumed from audio frame {frames}, but only {_sent.Count} were sent.", resumed.RawJson);
            }

            if (!_sent.TryDropBefore(frames))
            {
                link.Abort();
                throw Fail(SttResumeFailure.AudioNotBuffered,
                    $"the edge needs the audio from frame {frames} on, but only frames from {_sent.Count - _sent.Kept.Count()} on were kept (MaxBufferedAudioBytes {Options.Resume.MaxBufferedAudioBytes})", null);
            }

            try
            {
                foreach (var frame in _sent.Kept)
                {
                    await link.Sender.SendBinaryAsync(frame, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (WebSocketException)
            {
                // The new socket broke too: its next read fails and the resume goes on, against the same deadline.
                link.Abort();
                return;
            }

            lock (_gate)
            {
                if (_live.Task.IsCompleted)
                {
                    _live = Live(link);
                }
                else
                {
                    _live.SetResult(link);
                }

                LastResumeSilence = Stopwatch.GetElapsedTime(_resumeStartedAt, link.FirstFrameTimestamp);
                Resumes++;
                EndResumeLocked();
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Records the failure, releases waiting sends with it, and returns what the reader throws.</summary>
    private WebSocketException Fail(SttResumeFailure reason, string detail, Exception? lastError)
    {
        var failure = new SttResumeFailedException(reason, $"The session could not be resumed: {detail}.", lastError);
        lock (_gate)
        {
            _resumeFailure = failure;
            _ended = true;
            EndResumeLocked();
            if (!_live.TrySetException(failure.Thrown))
            {
                // Sends were still going to a draining edge's socket.
                _live = new TaskCompletionSource<EdgeLink>(TaskCreationOptions.RunContinuationsAsynchronously);
                _live.SetException(failure.Thrown);
            }
        }

        return failure.Thrown;
    }

    private static WebSocketException AbortedWhileResuming() =>
        new(WebSocketError.InvalidState, "The session was aborted while it was being resumed.");
}
