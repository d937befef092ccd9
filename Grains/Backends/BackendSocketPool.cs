using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Grains.Backends;

/// <summary>
/// This silo's sockets to one GPU server: idle ones dialed ahead of demand, handed out on
/// lease and taken back after a clean <c>stop</c>/<c>stopped</c>. Renting and returning are a
/// lock-free queue and counters; everything slow (dialing, pruning dead sockets, trimming)
/// happens in one reconciliation loop, woken through a channel.
/// </summary>
public sealed partial class BackendSocketPool : IAsyncDisposable
{
    private readonly ConcurrentQueue<BackendSocket> _idle = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly BackendOptions _backend;
    private readonly PoolOptions _options;
    private readonly TimeSpan _connectTimeout;
    private readonly BackendDirectory _directory;
    private readonly IGrainFactory _grains;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _reconciler;
    private int _idleCount;
    private int _inUse;
    private long _dialed;

    public BackendSocketPool(BackendOptions backend, PoolOptions options, TimeSpan connectTimeout, BackendDirectory directory, IGrainFactory grains, ILogger logger)
    {
        _backend = backend;
        _options = options;
        _connectTimeout = connectTimeout;
        _directory = directory;
        _grains = grains;
        _logger = logger;

        // Task.Run: the first pool is created inside a session grain's turn, whose scheduler and log scope are not the pool's.
        using (ExecutionContext.SuppressFlow())
        {
            _reconciler = Task.Run(ReconcileAsync);
        }
    }

    public int Idle => Volatile.Read(ref _idleCount);

    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Sockets dialed in this pool's life; with reuse, far fewer than streams served.</summary>
    public long Dialed => Interlocked.Read(ref _dialed);

    /// <summary>An open socket: a warm idle one when there is one, else a freshly dialed one.</summary>
    public async Task<BackendSocket> RentAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inUse);
        try
        {
            while (_idle.TryDequeue(out var socket))
            {
                Interlocked.Decrement(ref _idleCount);
                if (socket.IsOpen)
                {
                    return socket;
                }

                await socket.DisposeAsync();
            }

            return await DialAsync(cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _inUse);
            throw;
        }
        finally
        {
            Wake();
        }
    }

    /// <summary>Takes back a socket whose stream ended with <c>stopped</c>: it is idle and reusable.</summary>
    public void Return(BackendSocket socket)
    {
        Interlocked.Decrement(ref _inUse);
        if (socket.IsOpen && Idle < _options.MaxIdleConnections)
        {
            _idle.Enqueue(socket);
            Interlocked.Increment(ref _idleCount);
        }
        else
        {
            _ = socket.DisposeAsync().AsTask();
        }

        Wake();
    }

    /// <summary>Closes a socket whose stream did not end cleanly: what it may still carry belongs to nobody.</summary>
    public void Discard(BackendSocket socket)
    {
        Interlocked.Decrement(ref _inUse);
        _ = socket.DisposeAsync().AsTask();
        Wake();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task<BackendSocket> DialAsync(CancellationToken cancellationToken)
    {
        var socket = await BackendSocket.ConnectAsync(_backend.Url!, _options.PingInterval, _connectTimeout, cancellationToken);
        Interlocked.Increment(ref _dialed);
        return socket;
    }

    private async Task ReconcileAsync()
    {
        var token = _stopping.Token;
        var ticker = TickAsync(token);
        try
        {
            while (await _wake.Reader.WaitToReadAsync(token))
            {
                _wake.Reader.TryRead(out _);
                await PruneDeadAsync();
                await RefillAsync(token);
                await TrimAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping.
        }

        await ticker;
    }

    /// <summary>Wakes the loop every ping interval to find idle sockets that died, with one timer for the pool's life.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PingInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Wake();
            }
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping.
        }
    }

    private async Task PruneDeadAsync()
    {
        for (var i = Idle; i > 0 && _idle.TryDequeue(out var socket); i--)
        {
            if (socket.IsOpen)
            {
                _idle.Enqueue(socket);
                continue;
            }

            Interlocked.Decrement(ref _idleCount);
            await socket.DisposeAsync();
            await ReportAsync(BackendFailure.Dropped);
        }
    }

    private async Task RefillAsync(CancellationToken cancellationToken)
    {
        // Dial only for servers that take sessions; an unhealthy one gets its probes, not our sockets.
        var health = _directory.StatusOf(_backend.Id)?.Health;
        if (health is BackendHealth.Unhealthy or BackendHealth.Draining)
        {
            return;
        }

        while (Idle < _options.MinIdleConnections && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                _idle.Enqueue(await DialAsync(cancellationToken));
                Interlocked.Increment(ref _idleCount);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogDialFailed(_logger, ex, _backend.Id);
                await ReportAsync(BackendFailure.ConnectFailed);
                return;
            }
        }
    }

    private async Task TrimAsync()
    {
        while (Idle > _options.MaxIdleConnections && _idle.TryDequeue(out var socket))
        {
            Interlocked.Decrement(ref _idleCount);
            await socket.DisposeAsync();
        }
    }

    private async Task ReportAsync(BackendFailure failure)
    {
        try
        {
            await _grains.GetGrain<IBackendPoolGrain>(_backend.Id).ReportFailure(failure);
        }
        catch (Exception ex)
        {
            LogReportFailed(_logger, ex, _backend.Id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _reconciler;
        while (_idle.TryDequeue(out var socket))
        {
            await socket.DisposeAsync();
        }

        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not dial a warm socket to GPU server {BackendId}")]
    private static partial void LogDialFailed(ILogger logger, Exception exception, string backendId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not report a failure of GPU server {BackendId} to its pool")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string backendId);
}
