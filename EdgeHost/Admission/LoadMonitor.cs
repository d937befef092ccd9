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

        var probesPerWindow = Math.Max(1, (int)(settings.Window / settings.ProbeInterval));
        using var timer = new PeriodicTimer(settings.ProbeInterval, time);
        try
        {
            for (var probe = 1; await timer.WaitForNextTickAsync(stoppingToken); probe++)
            {
                var queued = time.GetTimestamp();
                signals.RecordDispatchLag(await Task.Run(() => time.GetElapsedTime(queued), stoppingToken));
                if (probe % probesPerWindow == 0)
                {
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Load window: {LateProbes} of {Probes} probes late, {LateDeliveries} of {Deliveries} deliveries late, {Sessions} sessions, bound {Bound}")]
    private static partial void LogWindow(ILogger logger, int lateProbes, int probes, int lateDeliveries, int deliveries, int sessions, int bound);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This edge is past what it serves on time ({Overload}) with {Sessions} sessions: new sessions are refused for at least {HoldFor}")]
    private static partial void LogOverloaded(ILogger logger, string overload, int sessions, TimeSpan holdFor);
}
