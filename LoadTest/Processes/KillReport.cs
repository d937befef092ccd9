namespace OrleansStt.LoadTest;

/// <summary>The --kill-pid demo: what was killed and when, or why it was not.</summary>
/// <param name="AtSeconds">When SIGKILL was sent, in seconds since the run started; null when it was not.</param>
internal sealed record KillReport(int Pid, string? Name, double PlannedAtSeconds, double? AtSeconds, DateTimeOffset? At, string? Error);
