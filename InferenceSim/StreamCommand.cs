namespace OrleansStt.InferenceSim;

/// <summary>Any gateway → backend text frame (PROTOCOL §2.1); only <c>start</c> uses the fields beyond <see cref="Type"/>.</summary>
internal sealed class StreamCommand
{
    public string? Type { get; init; }

    public string? SessionId { get; init; }

    public string? Language { get; init; }

    public string?[]? Translate { get; init; }

    public int? SampleRate { get; init; }

    public string? Encoding { get; init; }
}
