using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansStt.Grains.Configuration;

namespace OrleansStt.Gateway.Tests.Grains;

/// <summary>A TestingHost cluster whose silos know two GPU servers of capacity 10 and 3.</summary>
public sealed class PoolClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; } = new TestClusterBuilder(initialSilosCount: 1).AddSiloBuilderConfigurator<Configurator>().Build();

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.Services.Configure<SttOptions>(o =>
        {
            o.Backends.Add(new BackendOptions { Id = "big", Url = new Uri("ws://127.0.0.1:1/v1/stream"), Capacity = 10 });
            o.Backends.Add(new BackendOptions { Id = "small", Url = new Uri("ws://127.0.0.1:2/v1/stream"), Capacity = 3 });
        });
    }
}
