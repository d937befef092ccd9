using Microsoft.Extensions.Logging;

namespace OrleansStt.Grains.Telemetry;

/// <summary>
/// The session id as a log scope, so that every line about a session can be found by it, on the
/// edge and on the silo alike (JSON logs carry it as <c>SessionId</c> in <c>Scopes</c>).
/// </summary>
public static class SessionLogScope
{
    private static readonly Func<ILogger, string, IDisposable?> Scope = LoggerMessage.DefineScope<string>("Session {SessionId}");

    public static IDisposable? Begin(ILogger logger, string sessionId) => Scope(logger, sessionId);

    /// <summary>
    /// A logger whose every line is in the session's scope, whichever thread logs it: an edge's
    /// session logs from its socket's reader, the delivery stream and the audit alike.
    /// </summary>
    public static ILogger For(ILogger logger, string sessionId) => new SessionLogger(logger, sessionId);

    private sealed class SessionLogger(ILogger inner, string sessionId) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using (Begin(inner, sessionId))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
