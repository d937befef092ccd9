namespace OrleansStt.Grains.Backends.Messages;

/// <summary>A hypothesis that may still change, for the stream's audio from <see cref="StartMs"/> to <see cref="EndMs"/>.</summary>
public sealed record PartialResult(string? Text, long StartMs, long EndMs) : BackendMessage;
