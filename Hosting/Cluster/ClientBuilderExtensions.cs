using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Interfaces.Delivery;

namespace OrleansStt.Hosting.Cluster;

public static class ClientBuilderExtensions
{
    /// <summary>An edge's connection to a Redis-clustered gateway: membership and the delivery streams.</summary>
    public static IClientBuilder AddOrleansStt(this IClientBuilder client, IConfiguration configuration)
    {
        var cluster = ClusterSettings.From(configuration);
        if (!cluster.UsesRedis)
        {
            throw new InvalidOperationException("An edge joins a cluster as a client only through Orleans:Redis, which is not set.");
        }

        client.Configure<ClusterOptions>(cluster.ApplyTo);
        client.UseRedisClustering(cluster.Redis!);
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = cluster.CallTimeout);
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = cluster.GatewayListRefresh);

        var delivery = DeliveryOptions.From(configuration);
        client.AddMemoryStreams(DeliveryStreams.ProviderName, streams => streams.ConfigurePartitioning(delivery.Queues));
        return client;
    }
}
