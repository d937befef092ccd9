namespace OrleansStt.Grains.Backends.Messages;

/// <summary>Every result of the stream is out after <c>stop</c>; the socket may serve the next stream.</summary>
public sealed record StreamStopped : BackendMessage;
