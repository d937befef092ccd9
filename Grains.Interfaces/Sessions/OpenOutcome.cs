namespace OrleansStt.Grains.Interfaces.Sessions;

[GenerateSerializer]
public enum OpenOutcome
{
    /// <summary>A GPU server stream is open; <c>session</c> is on its way to the client.</summary>
    Opened,

    /// <summary>The session could not start; a fatal <c>error</c> is on its way to the client.</summary>
    Refused,
}
