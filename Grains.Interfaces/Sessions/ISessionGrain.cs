using Orleans.Concurrency;

namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>
/// One client session (PROTOCOL §1), keyed by session id. Every message for the client,
/// including errors the edge detects, is produced here so that <c>seq</c> stays gapless;
/// messages travel to the edge on the edge's delivery streams, never as return values, and
/// are logged so that whatever a stream or a socket loses can be sent again.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    // Open and Recover lease and dial GPU servers, and Resume may wait behind them, which takes a
    // while on a cold or busy cluster; every other call gets the edge's Orleans:CallTimeout,
    // after which the edge rebuilds the session.

    /// <summary>Leases a GPU server and starts its stream; publishes <c>session</c> or a fatal <c>error</c>.</summary>
    [ResponseTimeout("00:00:30")]
    Task<OpenOutcome> Open(SessionRequest request, EdgeLink edge);

    /// <summary>
    /// PROTOCOL §1.3: moves the session to <paramref name="edge"/>, sends every logged message after
    /// <paramref name="lastSeq"/> and then <c>resumed</c>. Null, and nothing changed, when the session
    /// does not exist, has ended, the token is wrong, or those messages are no longer logged.
    /// </summary>
    [ResponseTimeout("00:00:30")]
    Task<ResumeAccepted?> Resume(string resumeToken, long lastSeq, EdgeLink edge);

    /// <summary>
    /// Rebuilds a session whose activation was lost with its silo, or re-links one the edge took for
    /// lost (a live one, or one that ended while the edge waited, which sends its last messages again).
    /// </summary>
    // Shorter than Open's: an attempt that went the way of a silo not yet declared dead is retried.
    [ResponseTimeout("00:00:10")]
    Task<RecoveryOutcome> Recover(SessionRecovery recovery);

    // The client's input. Each answers false when the session does not answer that link (it was
    // rebuilt or moved under another): the edge then re-links it with Recover, which also takes
    // what it missed.

    /// <summary>
    /// One client binary frame, awaited: the edge's backpressure. Also false when audio pushed
    /// before the previous awaited frame has still not arrived: the edge re-links, which brings
    /// the missing audio from its copy.
    /// </summary>
    Task<bool> SendAudio(AudioChunk chunk);

    /// <summary>
    /// One client binary frame, not answered: the edge pushes a few frames (its audio credit) between
    /// two awaited ones, so most frames cost one Orleans message instead of a request and an answer.
    /// </summary>
    [OneWay]
    Task PushAudio(AudioChunk chunk);

    /// <summary>
    /// The session position up to which this session has taken the audio of link <paramref name="link"/>
    /// in order, so that a command waits for the audio pushed before it (one-way frames may still be on
    /// their way). -1 when the session does not answer that link; <see cref="long.MaxValue"/> once it
    /// takes no more audio.
    /// </summary>
    Task<long> AudioTaken(long link);

    /// <summary>The client's <c>finalize</c>.</summary>
    Task<bool> FinalizeUtterance(long link);

    /// <summary>The client's <c>close_stream</c>: flush remaining results, then <c>closed</c>.</summary>
    Task<bool> CloseStream(long link);

    /// <summary>The client's <c>keepalive</c>.</summary>
    Task<bool> Keepalive(long link);

    /// <summary>Input the edge refused; a fatal one ends the session after the error.</summary>
    Task RejectInput(long link, InputRejection rejection);

    /// <summary>
    /// The client socket is gone without <c>close_stream</c>: the session keeps its GPU stream and
    /// its log and waits the grace period for a resume.
    /// </summary>
    Task Detach(long link);

    /// <summary>The edge is shutting down: tell the client (<c>draining</c>) to resume elsewhere.</summary>
    Task AnnounceDraining(long link);

    /// <summary>The highest <c>seq</c> published so far, so that an edge that heard nothing for a while knows what it is owed.</summary>
    Task<long> PublishedSeq(long link);

    /// <summary>An edge missed messages (a gap, or silence while owed): publish every logged message after <paramref name="afterSeq"/> again.</summary>
    [OneWay]
    Task Resend(long link, long afterSeq);
}
