using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Delivery;
using OrleansStt.EdgeHost.Sessions;
using OrleansStt.Grains.Sessions;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.Gateway.Tests.Sessions;

public sealed class RecoveryCopiesTests
{
    private const int Block = AudioReplayBuffer.BlockSize;

    [Fact]
    public void An_edge_in_a_cluster_bounds_all_its_sessions_copies_together()
    {
        var copies = Copies(sessionsLiveElsewhere: true, budget: 3 * Block);
        var first = copies.For(16000)!;
        var second = copies.For(16000)!;

        first.Append(new byte[2 * Block]);
        for (var i = 0; i < 4; i++)
        {
            second.Append(new byte[Block]);
        }

        // The first keeps both its blocks; the second, appending past the edge's budget, its newest.
        Assert.Equal(0, first.Start);
        Assert.Equal(3 * Block, second.Start);
        Assert.Equal(4 * Block, second.End);
    }

    [Fact]
    public void The_single_process_gateway_keeps_no_copy()
    {
        Assert.Null(Copies(sessionsLiveElsewhere: false, budget: 3 * Block).For(16000));
    }

    private static RecoveryCopies Copies(bool sessionsLiveElsewhere, long budget)
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new RecoveryCopies(
            Options.Create(new EdgeOptions { RecoveryBudgetBytes = budget }),
            new EdgeIdentity("edge-1", sessionsLiveElsewhere),
            new SttMetrics(meters));
    }
}
