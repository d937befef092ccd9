using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Grains.Interfaces.Delivery;

namespace OrleansStt.Gateway.Tests.Delivery;

public sealed class StreamCacheTests
{
    // Orleans keeps a memory stream's events for 30 minutes by default; at thousands of results a
    // second that was a gateway's memory growing by megabytes a second for half an hour.
    [Fact]
    public async Task Delivery_queues_keep_results_only_for_the_configured_retention()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Stt:Simulated:Count"] = "1",
            ["Stt:Delivery:CacheRetention"] = "00:00:07",
        });

        var eviction = gateway.Services.GetRequiredService<IOptionsMonitor<StreamCacheEvictionOptions>>().Get(DeliveryStreams.ProviderName);

        Assert.Equal(TimeSpan.FromSeconds(7), eviction.DataMinTimeInCache);
        Assert.Equal(TimeSpan.FromSeconds(7), eviction.DataMaxAgeInCache);
        Assert.Equal(TimeSpan.FromSeconds(14), eviction.MetadataMinTimeInCache);
    }
}
