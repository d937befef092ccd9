namespace OrleansStt.Client;

/// <summary>Last message of a session; the edge closes the socket right after it.</summary>
public sealed record ClosedMessage(string Reason) : ServerMessage
{
    public override string Type => "closed";
}
