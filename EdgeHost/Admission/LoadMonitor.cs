using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Listen;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.EdgeHost.Admission;

/// <summary>
/// Feeds <see cref="LoadSignals"/>: every delivery this edge records in its own latency histogram,
/// and a probe of the thread pool's queue each <see cref="AdmissionOptions.ProbeInterval"/>.
/// </summary>
public sealed partial class LoadMonitor(
    LoadSignals signals, SessionSlots sessions, SttMetrics metrics, IOptions<AdmissionOptions> options, TimeProvider time, ILogger<LoadMonitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var deliveries = new MeterListener
        {
            // This edge's own histogram: other hosts in the process (tests) have their own instruments.
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument, metrics.DeliveryDuration))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        deliveries.SetMeasurementEventCallback<double>((_, seconds, _, _) => signals.RecordDelivery(TimeSpan.FromSeconds(seconds)));
        deliveries.Start();

        using var timer = new PeriodicTimer(settings.ProbeInterval, time);
        var windowStarted = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                signals.RecordDispatchLag(await DispatchLagAsync());
                // By elapsed time, not by ticks: under load the timer merges ticks it missed.
                if (time.GetElapsedTime(windowStarted) >= settings.Window)
                {
                    windowStarted = time.GetTimestamp();
                    var wasOverloaded = signals.IsOverloaded;
                    var window = signals.EndWindow(sessions.Taken);
                    LogWindow(logger, window.LateProbes, window.Probes, window.LateDeliveries, window.Deliveries, window.Sessions, window.Bound);
                    if (window.Overload is { } overload && !wasOverloaded)
                    {
                        LogOverloaded(logger, overload, window.Sessions, settings.HoldFor);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// How long a work item waits in the thread pool's global queue, where socket completions and
    /// Kestrel's work land (a work item queued from a pool thread would go to that thread's own
    /// queue, and run first).
    /// </summary>
    private Task<TimeSpan> DispatchLagAsync()
    {
        var started = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = time.GetTimestamp();
        ThreadPool.UnsafeQueueUserWorkItem(
            static state => state.Started.TrySetResult(state.Time.GetElapsedTime(state.Queued)), (Started: started, Time: time, Queued: queued), preferLocal: false);
        return started.Task;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Load window: {LateProbes} of {Probes} probes late, {LateDeliveries} of {Deliveries} deliveries late, {Sessions} sessions, bound {Bound}")]
    private static partial void LogWindow(ILogger logger, int lateProbes, int probes, int lateDeliveries, int deliveries, int sessions, int bound);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This edge is past what it serves on time ({Overload}) with {Sessions} sessions: new sessions are refused for at least {HoldFor}")]
    private static partial void LogOverloaded(ILogger logger, string overload, int sessions, TimeSpan holdFor);
}
