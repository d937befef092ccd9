namespace OrleansStt.Client;

/// <summary>A type this client does not know; readers skip it, but it still takes a <c>seq</c>.</summary>
public sealed record UnknownMessage : ServerMessage
{
    public UnknownMessage(string type) => Type = type;

    public override string Type { get; }
}
