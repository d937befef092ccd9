namespace OrleansStt.LoadTest;

/// <summary>The --kill-pid demo (or a scenario's removal): what was signalled and when, or why it was not.</summary>
/// <param name="AtSeconds">When the signal was sent, in seconds since the run started; null when it was not.</param>
/// <param name="Signal">SIGKILL or SIGTERM.</param>
internal sealed record KillReport(int Pid, string? Name, string Signal, double PlannedAtSeconds, double? AtSeconds, DateTimeOffset? At, string? Error);
