using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Delivery;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.EdgeHost.Hosting;

/// <summary>
/// A graceful edge shutdown (SIGTERM: rolling update, scale-in), PROTOCOL §1.3: before anything
/// stops, the edge turns unready, refuses new sockets, tells every client <c>draining</c>, and
/// waits up to <see cref="EdgeOptions.DrainTimeout"/> for them to resume elsewhere; then it
/// closes the sockets that are left (1001), whose sessions wait for their clients' resumes.
/// </summary>
public sealed partial class EdgeDrain(OutputRouter router, IOptions<EdgeOptions> options, TimeProvider time, ILogger<EdgeDrain> logger)
    : IHostedLifecycleService
{
    private readonly CancellationTokenSource _drained = new();
    private volatile bool _draining;

    /// <summary>True from the moment the edge starts shutting down: no new sockets, readiness false.</summary>
    public bool IsDraining => _draining;

    /// <summary>Fires when the edge stops waiting for clients to move: the sockets still open are closed.</summary>
    public CancellationToken Drained => _drained.Token;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var sessions = router.Sessions;
        LogDraining(logger, sessions.Count, options.Value.DrainTimeout);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.DrainTimeout);
        try
        {
            // Wide: each announcement is one grain call, and one that must rebuild its session may take seconds.
            await Parallel.ForEachAsync(sessions, new ParallelOptions { MaxDegreeOfParallelism = 256, CancellationToken = deadline.Token }, async (session, _) =>
            {
                try
                {
                    await session.AnnounceDrainingAsync();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Its socket closes at the drain deadline all the same, and the client resumes then.
                    LogAnnounceFailed(SessionLogScope.For(logger, session.SessionId), ex, session.SessionId);
                }
            });

            while (router.Sessions.Count > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The drain deadline, or the host's shutdown timeout, came first.
        }
        finally
        {
            LogDrained(logger, router.Sessions.Count);
            await _drained.CancelAsync();
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Edge draining: {Sessions} clients told to resume elsewhere within {DrainTimeout}")]
    private static partial void LogDraining(ILogger logger, int sessions, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Edge drained: closing the {Sessions} sockets that did not move")]
    private static partial void LogDrained(ILogger logger, int sessions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell session {SessionId} that this edge is draining")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, string sessionId);
}
