using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Gateway.Tests.Grains;

public sealed class BackendPoolGrainTests(PoolClusterFixture fixture) : IClassFixture<PoolClusterFixture>
{
    private IBackendPoolGrain Pool(string id) => fixture.Cluster.GrainFactory.GetGrain<IBackendPoolGrain>(id);

    [Fact]
    public async Task Concurrent_lease_requests_never_exceed_capacity()
    {
        var pool = Pool("big");

        var leases = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => pool.TryLease($"concurrent-{i}")));

        Assert.Equal(10, leases.Count(l => l is not null));
        var status = await pool.GetState();
        Assert.Equal((10, 10, 10L, 40L), (status.Capacity, status.Active, status.Granted, status.Refused));
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => pool.Release($"concurrent-{i}")));
        Assert.Equal(0, (await pool.GetState()).Active);
    }

    [Fact]
    public async Task Released_capacity_is_granted_again_and_double_release_is_harmless()
    {
        var pool = Pool("small");
        foreach (var session in new[] { "a", "b", "c" })
        {
            Assert.NotNull(await pool.TryLease(session));
        }

        Assert.Null(await pool.TryLease("d"));
        await pool.Release("b");
        await pool.Release("b");
        await pool.Release("never-leased");

        var lease = await pool.TryLease("d");
        Assert.Equal(("small", fixture.Server.StreamUri), (lease!.BackendId, lease.StreamUri));
        Assert.Equal(3, (await pool.GetState()).Active);
        foreach (var session in new[] { "a", "c", "d" })
        {
            await pool.Release(session);
        }
    }

    [Fact]
    public async Task Leasing_twice_for_one_session_holds_one_slot()
    {
        var pool = Pool("small");

        Assert.NotNull(await pool.TryLease("twice"));
        Assert.NotNull(await pool.TryLease("twice"));

        Assert.Equal(1, (await pool.GetState()).Active);
        await pool.Release("twice");
    }

    [Fact]
    public async Task Unknown_backend_id_is_an_error_not_a_pool()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => Pool("not-configured").TryLease("x"));
    }
}
