namespace OrleansStt.Grains.Sessions;

internal enum SessionState
{
    New,

    /// <summary>Audio flows to the GPU server and results flow back.</summary>
    Streaming,

    /// <summary><c>close_stream</c> sent <c>stop</c>; results still flow until <c>stopped</c>.</summary>
    Stopping,

    /// <summary>
    /// The lease is released and the last message published; the activation stays only to send
    /// messages again until its edge let go of it (or <c>EndedRetention</c>). Client input is ignored.
    /// </summary>
    Ended,
}
