namespace OrleansStt.LoadTest;

internal sealed record LoadReportSettings(
    string Url,
    string Protocol,
    int Sessions,
    double RampSeconds,
    double SettleSeconds,
    double DurationSeconds,
    int FrameBytes,
    double FramesPerSecond,
    string Audio,
    string Language,
    IReadOnlyList<string> Translate,
    double ConnectTimeoutSeconds,
    double CloseTimeoutSeconds)
{
    /// <summary>PROTOCOL.md §1, through an OrleansStt edge.</summary>
    public const string EdgeProtocol = "client (§1, /v1/listen)";

    /// <summary>PROTOCOL.md §2, straight to GPU servers or a plain proxy in front of them.</summary>
    public const string RawBackendProtocol = "backend (§2, --raw-backend)";

    public static LoadReportSettings From(LoadTestOptions o) => new(
        string.Join(",", o.Urls), o.RawBackend ? RawBackendProtocol : EdgeProtocol, o.Sessions, o.RampSeconds, o.SettleSeconds, o.DurationSeconds,
        o.FrameBytes, o.FramesPerSecond, o.Audio,
        o.Language, o.Translate, o.ConnectTimeoutSeconds, o.CloseTimeoutSeconds);
}
