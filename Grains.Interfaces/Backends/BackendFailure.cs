namespace OrleansStt.Grains.Interfaces.Backends;

/// <summary>What a session saw go wrong on a GPU server, reported to its pool.</summary>
[GenerateSerializer]
public enum BackendFailure
{
    /// <summary>Dialing or sending <c>start</c> failed.</summary>
    ConnectFailed,

    /// <summary>The server sent <c>error</c> on a stream.</summary>
    StreamError,

    /// <summary>The socket dropped mid-stream.</summary>
    Dropped,

    /// <summary>The server stopped answering within the stall deadline.</summary>
    Stalled,
}
