using System.Diagnostics;

namespace OrleansStt.Grains.Telemetry;

/// <summary>
/// Spans for a session's turning points (a GPU server failover, an edge rebuilding a session
/// whose silo died), beside ASP.NET Core's span for each client socket, which the edge tags
/// with the session. Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class SttActivities
{
    public const string SourceName = "OrleansStt";

    public const string SessionId = "stt.session.id";

    public static readonly ActivitySource Source = new(SourceName);
}
