namespace OrleansStt.Grains.Backends.Messages;

/// <summary>A translation; <c>simulated</c> marks one made by a stand-in rather than a translation model.</summary>
public sealed record TranslationResult(string? Language, bool IsFinal, string? Text, long StartMs, long EndMs, bool Simulated = false) : BackendMessage;
