using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;

namespace OrleansStt.EdgeHost.Delivery;

/// <summary>
/// Looks at every session of this edge a few times per <see cref="EdgeOptions.ResendAfter"/>, so
/// that one whose last messages were lost in transit (nothing comes after them to show the gap),
/// or whose silo died while its client is quiet, is noticed without a timer per session.
/// </summary>
public sealed class DeliveryAudit(OutputRouter router, IOptions<EdgeOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(options.Value.ResendAfter / 4, time);
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
}
