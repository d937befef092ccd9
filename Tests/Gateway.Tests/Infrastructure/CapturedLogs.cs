using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansStt.Gateway.Tests.Infrastructure;

/// <summary>Every line the gateway logs, with the scopes it was logged in, as a log collector would get them.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<LoggedLine> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    public sealed record LoggedLine(string Category, LogLevel Level, string Message, IReadOnlyList<object?> Scopes)
    {
        /// <summary>The named value <paramref name="name"/> of any scope this line was logged in.</summary>
        public IEnumerable<object?> ScopeValues(string name) => Scopes
            .OfType<IEnumerable<KeyValuePair<string, object?>>>()
            .SelectMany(values => values)
            .Where(pair => pair.Key == name)
            .Select(pair => pair.Value);
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<object?>();
            logs._scopes.ForEachScope(static (scope, list) => list.Add(scope), scopes);
            logs.Lines.Enqueue(new LoggedLine(category, logLevel, formatter(state, exception), scopes));
        }
    }
}
