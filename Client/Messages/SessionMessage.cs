namespace OrleansStt.Client;

/// <summary>First message of every session; its id and token are what a resume needs.</summary>
public sealed record SessionMessage(string SessionId, string ResumeToken, string Backend) : ServerMessage
{
    public override string Type => "session";
}
