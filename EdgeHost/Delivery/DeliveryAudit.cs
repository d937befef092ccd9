using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;

namespace OrleansStt.EdgeHost.Delivery;

/// <summary>
/// Looks at every session of this edge a few times per <see cref="EdgeOptions.ProbeAfter"/> and
/// <see cref="EdgeOptions.ResendAfter"/>, so that one whose silo died under an unanswered call, or
/// whose last messages were lost in transit (nothing comes after them to show the gap), is noticed
/// without a timer per session.
/// </summary>
public sealed class DeliveryAudit(OutputRouter router, IOptions<EdgeOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(Period(options.Value), time);
        try
        {
            while (await ticks.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var session in router.Sessions)
                {
                    session.Audit();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The edge is stopping.
        }
    }

    private static TimeSpan Period(EdgeOptions options) =>
        (options.ProbeAfter < options.ResendAfter ? options.ProbeAfter : options.ResendAfter) / 4;
}
