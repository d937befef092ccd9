namespace OrleansStt.Client;

/// <summary>A type this client does not know; readers skip it, but it still takes a <c>seq</c>.</summary>
public sealed record UnknownMessage : ServerMessage
{
    public UnknownMessage(string type) => Type = type;

    public override string Type { get; }

    // The type is the one thing that tells unknown messages apart, so it belongs in ToString.
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(", Type = ").Append(Type);
        return true;
    }
}
