namespace OrleansStt.InferenceSim;

/// <summary>The optional <c>POST /admin/fail-streams</c> body.</summary>
internal sealed class FailStreamsRequest
{
    public string? Message { get; init; }
}
