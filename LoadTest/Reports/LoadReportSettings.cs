namespace OrleansStt.LoadTest;

internal sealed record LoadReportSettings(
    string Url,
    int Sessions,
    double RampSeconds,
    double DurationSeconds,
    int FrameBytes,
    double FramesPerSecond,
    string Audio,
    string Language,
    IReadOnlyList<string> Translate,
    double ConnectTimeoutSeconds,
    double CloseTimeoutSeconds)
{
    public static LoadReportSettings From(LoadTestOptions o) => new(
        o.Url.ToString(), o.Sessions, o.RampSeconds, o.DurationSeconds, o.FrameBytes, o.FramesPerSecond, o.Audio,
        o.Language, o.Translate, o.ConnectTimeoutSeconds, o.CloseTimeoutSeconds);
}
