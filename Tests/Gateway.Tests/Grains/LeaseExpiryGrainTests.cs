using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Gateway.Tests.Grains;

public sealed class LeaseExpiryGrainTests(ShortLeaseClusterFixture fixture) : IClassFixture<ShortLeaseClusterFixture>
{
    [Fact]
    public async Task An_unrenewed_lease_expires_while_a_renewed_one_stays()
    {
        var pool = fixture.Cluster.GrainFactory.GetGrain<IBackendPoolGrain>("big");
        var kept = await pool.TryLease("renewed");
        Assert.NotNull(await pool.TryLease("abandoned"));
        Assert.Equal(fixture.LeaseTtl / 3, kept!.RenewEvery);

        // Renew as a live session would, until the abandoned lease has had time to expire.
        var deadline = DateTime.UtcNow + fixture.LeaseTtl * 4;
        BackendPoolStatus status;
        do
        {
            await pool.Renew("renewed");
            await Task.Delay(kept.RenewEvery);
            status = await pool.GetState();
        }
        while (status.Active != 1 && DateTime.UtcNow < deadline);

        Assert.Equal((1, 1L), (status.Active, status.Expired));
        await pool.Release("renewed");
        Assert.Equal(0, (await pool.GetState()).Active);
    }
}
