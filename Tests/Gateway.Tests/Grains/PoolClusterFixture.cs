using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansStt.Grains.Backends;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Telemetry;
using OrleansStt.InferenceSim;

namespace OrleansStt.Gateway.Tests.Grains;

/// <summary>
/// A TestingHost cluster whose silos know two GPU servers of capacity 10 and 3, both served
/// by one real simulator so that the pools' health probes pass.
/// </summary>
public class PoolClusterFixture : IAsyncLifetime
{
    public SimulatorServer Server { get; private set; } = null!;

    /// <summary>How long an unrenewed lease lives in this cluster.</summary>
    public virtual TimeSpan LeaseTtl => TimeSpan.FromMinutes(5);

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await SimulatorServer.StartAsync(new SimulatorOptions { Capacity = 100 });
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stt:Backends:0:Id"] = "big",
            ["Stt:Backends:0:Url"] = Server.StreamUri.ToString(),
            ["Stt:Backends:0:Capacity"] = "10",
            ["Stt:Backends:1:Id"] = "small",
            ["Stt:Backends:1:Url"] = Server.StreamUri.ToString(),
            ["Stt:Backends:1:Capacity"] = "3",
            ["Stt:Pool:LeaseTtl"] = LeaseTtl.ToString(),
        }));
        builder.AddSiloBuilderConfigurator<Configurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Server.DisposeAsync();
    }

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.Configure<SttOptions>(silo.Configuration.GetSection(SttOptions.Section));
            silo.Services.AddHttpClient();
            silo.Services.AddMetrics();
            silo.Services.AddSingleton<SttMetrics>();
            silo.Services.AddSingleton<PoolGauges>();
        }
    }
}

/// <summary>The same cluster with leases that expire within a test's patience.</summary>
public sealed class ShortLeaseClusterFixture : PoolClusterFixture
{
    public override TimeSpan LeaseTtl => TimeSpan.FromSeconds(2);
}
