using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Grains.Backends;

[StatelessWorker]
public sealed class BackendFleetGrain(IOptions<SttOptions> options) : Grain, IBackendFleetGrain
{
    public async Task<IReadOnlyList<BackendPoolStatus>> GetStatuses() =>
        await Task.WhenAll(options.Value.Backends.Select(b => GrainFactory.GetGrain<IBackendPoolGrain>(b.Id).GetState()));
}
