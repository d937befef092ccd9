namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>
/// One client session (PROTOCOL §1), keyed by session id. Every message for the client,
/// including errors the edge detects, is produced here so that <c>seq</c> stays gapless;
/// messages travel to the edge on the edge's delivery stream, never as return values.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Leases a GPU server and starts its stream; publishes <c>session</c> or a fatal <c>error</c>.</summary>
    Task<OpenOutcome> Open(SessionRequest request);

    /// <summary>One client binary frame. Awaited per frame, which is the edge's backpressure.</summary>
    Task SendAudio(AudioChunk chunk);

    /// <summary>The client's <c>finalize</c>.</summary>
    Task FinalizeUtterance();

    /// <summary>The client's <c>close_stream</c>: flush remaining results, then <c>closed</c>.</summary>
    Task CloseStream();

    /// <summary>The client's <c>keepalive</c>.</summary>
    Task Keepalive();

    /// <summary>Input the edge refused; a fatal one ends the session after the error.</summary>
    Task RejectInput(InputRejection rejection);

    /// <summary>The client socket is gone without <c>close_stream</c>: end the session, nothing to send.</summary>
    Task Abandon();
}
