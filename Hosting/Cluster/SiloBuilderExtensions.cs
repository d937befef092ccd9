using Microsoft.Extensions.Hosting;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Providers;
using StackExchange.Redis;
using Orleans.Dashboard;
using OrleansStt.Grains.Backends;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Delivery;
using OrleansStt.Grains.Sessions;
using OrleansStt.Grains.Telemetry;
using OrleansStt.Grains.Interfaces.Delivery;

namespace OrleansStt.Hosting.Cluster;

public static class SiloBuilderExtensions
{
    /// <summary>Everything a silo of this gateway needs: clustering, delivery streams, options, dashboard.</summary>
    public static ISiloBuilder AddOrleansStt(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = ClusterSettings.From(configuration);
        silo.Configure<ClusterOptions>(cluster.ApplyTo);

        // Failure detection (Orleans:Membership:ProbeTimeout, NumMissedProbesLimit, …) decides how
        // soon a dead silo's sessions are found out; Orleans' defaults favour caution over speed.
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection($"{ClusterSettings.Section}:Membership"));
        if (cluster.UsesRedis)
        {
            // Only a cluster has other processes to lose; in one process a slow call is just load.
            silo.Configure<SiloMessagingOptions>(o =>
            {
                o.ClientDropTimeout = cluster.ClientDropTimeout;
                o.ResponseTimeout = cluster.SiloCallTimeout;
            });
        }

        // Orleans sizes its grain-location cache for a million grains up front (~18 MB), and the
        // metrics the Dashboard reads walk all of it every second; a gateway cluster calls far fewer.
        silo.Services.Configure<GrainDirectoryOptions>(o => o.CacheSize = 100_000);
        silo.Services.Configure<GrainDirectoryOptions>(configuration.GetSection($"{ClusterSettings.Section}:GrainDirectory"));
        if (cluster.UsesRedis)
        {
            silo.UseRedisClustering(cluster.Redis!);
            var advertised = cluster.AdvertisedIPAddress is { } ip ? IPAddress.Parse(ip) : null;
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = cluster.SiloPort;
                o.GatewayPort = cluster.GatewayPort;
                if (advertised is not null)
                {
                    o.AdvertisedIPAddress = advertised;
                }
            });
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }

        var delivery = DeliveryOptions.From(configuration);
        silo.AddMemoryStreams(DeliveryStreams.ProviderName, streams =>
        {
            streams.ConfigurePartitioning(delivery.Queues);
            streams.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.GetQueueMsgsTimerPeriod = delivery.PollPeriod;
                o.BatchContainerBatchSize = delivery.EventsPerDelivery;
            }));
            streams.ConfigureCache(cache => cache.Configure(o => o.MaxAddCount = delivery.MaxDequeue));
            streams.ConfigureCacheEviction(eviction => eviction.Configure(o =>
            {
                o.DataMinTimeInCache = delivery.CacheRetention;
                o.DataMaxAgeInCache = delivery.CacheRetention;
                o.MetadataMinTimeInCache = delivery.CacheRetention * 2;
            }));
            streams.ConfigureBackoffProvider((_, _) => (IQueueReaderBackoffProvider)new StreamRetryBackoff(delivery.RetryFirst, delivery.RetryLongest));
            streams.ConfigureBackoffProvider((_, _) => (IMessageDeliveryBackoffProvider)new StreamRetryBackoff(delivery.RetryFirst, delivery.RetryLongest));
        });
        // Stream subscriptions must outlive any one silo, or an edge stops hearing the sessions
        // whose streams' registrations lived there: durable in a Redis cluster, in memory alone.
        if (cluster.UsesRedis)
        {
            silo.Services.AddRedisGrainStorage("PubSubStore", o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.Redis!));
        }
        else
        {
            silo.AddMemoryGrainStorage("PubSubStore");
        }

        silo.AddDashboard();

        silo.Services.AddOptions<SttOptions>().Bind(configuration.GetSection(SttOptions.Section)).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<SttOptions>, SttOptionsValidator>();
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<SttMetrics>();
        silo.Services.AddSingleton<PoolGauges>();
        silo.Services.AddSingleton<EdgeOutbox>();
        silo.Services.AddHostedService(services => services.GetRequiredService<EdgeOutbox>());
        silo.Services.AddSingleton<GpuStreams>();
        silo.Services.AddSingleton(services =>
        {
            var budget = new ReplayBudget(services.GetRequiredService<IOptions<SttOptions>>().Value.Session.ReplayBudgetBytes);
            services.GetRequiredService<SttMetrics>().ObserveReplay(
                "orleansstt.silo.replay.bytes", "orleansstt.silo.replay.shed", "Replay audio the sessions on this silo hold for failover (Stt:Session:ReplayBudgetBytes bounds it).", budget);
            return budget;
        });
        silo.Services.AddSingleton<BackendDirectory>();
        silo.Services.AddSingleton<BackendConnections>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<BackendConnections>());
        silo.Services.AddHttpClient();
        return silo;
    }
}
