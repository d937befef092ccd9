namespace OrleansStt.Grains.Backends.Messages;

/// <summary>The settled transcript of the stream's audio up to <see cref="EndMs"/>; audio before it is never replayed.</summary>
public sealed record FinalResult(string? Text, long StartMs, long EndMs) : BackendMessage;
