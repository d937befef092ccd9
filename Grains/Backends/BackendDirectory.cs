using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Grains.Backends;

/// <summary>
/// This silo's view of every GPU server's load and health, refreshed from the pool grains in
/// the background. Sessions rank servers from it locally, so choosing a server costs no grain
/// call and no single grain sees every session start; the pool grains stay the authority and
/// refuse when the view was stale.
/// </summary>
public sealed partial class BackendDirectory(
    IGrainFactory grains,
    IOptions<SttOptions> options,
    ILogger<BackendDirectory> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, BackendPoolStatus> _statuses = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _started;
    private Task _refresher = Task.CompletedTask;

    /// <summary>The last known status of <paramref name="backendId"/>, if any refresh has seen it.</summary>
    public BackendPoolStatus? StatusOf(string backendId) => _statuses.GetValueOrDefault(backendId);

    /// <summary>
    /// Configured servers in the order to try them: accepting ones first, least loaded first
    /// (healthy before degraded), servers not yet seen next, then the rest as a last resort.
    /// </summary>
    public IReadOnlyList<string> Rank(IReadOnlySet<string> exclude)
    {
        EnsureRefreshing();
        return options.Value.Backends
            .Where(b => !exclude.Contains(b.Id))
            .Select(b => (b.Id, Order: OrderOf(_statuses.GetValueOrDefault(b.Id))))
            .OrderBy(b => b.Order)
            .Select(b => b.Id)
            .ToList();
    }

    /// <summary>Counts a lease this silo just took, so that picks before the next refresh spread out.</summary>
    public void NoteLeased(string backendId)
    {
        if (_statuses.TryGetValue(backendId, out var status))
        {
            _statuses.TryUpdate(backendId, status with { Active = status.Active + 1 }, status);
        }
    }

    public async Task RefreshAsync()
    {
        await Task.WhenAll(options.Value.Backends.Select(async backend =>
        {
            try
            {
                _statuses[backend.Id] = await grains.GetGrain<IBackendPoolGrain>(backend.Id).GetState();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRefreshFailed(logger, ex, backend.Id);
            }
        }));
    }

    private static double OrderOf(BackendPoolStatus? status)
    {
        // Jitter breaks ties between equally loaded servers without herding every silo onto one.
        var jitter = Random.Shared.NextDouble() * 0.01;
        return status switch
        {
            null => 1.5 + jitter,
            { Accepting: true, Health: BackendHealth.Healthy } => status.Load + jitter,
            { Accepting: true } => 1 + status.Load + jitter,
            _ => 3 + jitter,
        };
    }

    private void EnsureRefreshing()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // Task.Run: the first caller is a grain turn, whose scheduler (and session log scope) this loop must not inherit.
            using (ExecutionContext.SuppressFlow())
            {
                _refresher = Task.Run(RefreshLoopAsync);
            }
        }
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(options.Value.Pool.StatusRefresh);
        try
        {
            do
            {
                await RefreshAsync();
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _refresher;
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not refresh the status of GPU server {BackendId}")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string backendId);
}
