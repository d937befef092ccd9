using Microsoft.Extensions.Options;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Grains.Backends;

public sealed class BackendPoolGrain(IOptions<SttOptions> options) : Grain, IBackendPoolGrain
{
    private readonly HashSet<string> _leases = new(StringComparer.Ordinal);
    private BackendOptions _backend = null!;
    private long _granted;
    private long _refused;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        _backend = options.Value.Backends.Find(b => b.Id == id)
            ?? throw new ArgumentException($"No backend '{id}' is configured under Stt:Backends.");
        return Task.CompletedTask;
    }

    public Task<BackendLease?> TryLease(string sessionId)
    {
        if (!_leases.Contains(sessionId) && _leases.Count >= _backend.Capacity)
        {
            _refused++;
            return Task.FromResult<BackendLease?>(null);
        }

        if (_leases.Add(sessionId))
        {
            _granted++;
        }

        return Task.FromResult<BackendLease?>(new BackendLease(_backend.Id, _backend.Url!));
    }

    public Task Release(string sessionId)
    {
        _leases.Remove(sessionId);
        return Task.CompletedTask;
    }

    public Task<BackendPoolStatus> GetStatus() =>
        Task.FromResult(new BackendPoolStatus(_backend.Id, _backend.Capacity, _leases.Count, _granted, _refused));
}
