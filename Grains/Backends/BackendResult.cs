namespace OrleansStt.Grains.Backends;

/// <summary>Any message a GPU server sends (PROTOCOL §2.2); which fields are set depends on <see cref="Type"/>.</summary>
public sealed record BackendResult(
    string? Type,
    string? Text,
    long StartMs,
    long EndMs,
    string? Language,
    bool IsFinal,
    string? Message);
