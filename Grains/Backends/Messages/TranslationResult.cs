namespace OrleansStt.Grains.Backends.Messages;

public sealed record TranslationResult(string? Language, bool IsFinal, string? Text, long StartMs, long EndMs) : BackendMessage;
