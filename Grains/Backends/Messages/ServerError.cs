namespace OrleansStt.Grains.Backends.Messages;

/// <summary>The server gave up on the stream; also what a frame that is not valid JSON reads as.</summary>
public sealed record ServerError(string? Message) : BackendMessage;
