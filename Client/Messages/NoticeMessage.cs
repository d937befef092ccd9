namespace OrleansStt.Client;

/// <summary>Informational; the session goes on (<c>backend_switched</c>, <c>draining</c>).</summary>
public sealed record NoticeMessage(string Code, string Message) : ServerMessage
{
    public override string Type => "notice";
}
