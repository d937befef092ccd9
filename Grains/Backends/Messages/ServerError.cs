namespace OrleansStt.Grains.Backends.Messages;

/// <summary>
/// The server gave up on the stream; also what a frame that is not valid JSON reads as. With
/// <c>code</c> <c>bad_request</c> it refused the request itself (an encoding or language it does
/// not support): any server of its kind would, so that is the client's error, not the server's.
/// </summary>
public sealed record ServerError(string? Message, string? Code = null) : BackendMessage
{
    public bool RefusesRequest => Code == "bad_request";
}
