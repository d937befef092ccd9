namespace OrleansStt.Client;

public sealed record ErrorMessage(string Code, string Message) : ServerMessage
{
    public override string Type => "error";
}
