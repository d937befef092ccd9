using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Interfaces.Backends;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.Grains.Backends;

/// <summary>
/// One GPU server's leases, health and counters. Everything here is plain fields: this grain's
/// turns are the lock. Operators see the same snapshot everywhere: <c>/v1/backends</c>, the
/// Dashboard's grain-state page (<see cref="GetState"/>) and the gauges (<see cref="PoolGauges"/>).
/// </summary>
public sealed partial class BackendPoolGrain(
    IOptions<SttOptions> options,
    IHttpClientFactory httpClients,
    TimeProvider time,
    SttMetrics metrics,
    PoolGauges gauges,
    ILogger<BackendPoolGrain> logger) : Grain, IBackendPoolGrain
{
    // Session id → when its lease expires (TimeProvider timestamp).
    private readonly Dictionary<string, long> _leases = new(StringComparer.Ordinal);
    private readonly Queue<long> _recentFailures = new();
    private BackendOptions _backend = null!;
    private long _recoveringUntil;
    private bool _drainingByOperator;
    private bool _drainingByServer;
    private bool _unhealthy;
    private int _probeFailuresInARow;
    private int _probeSuccessesInARow;
    private int? _serverActiveStreams;
    private string? _lastProbeError;
    private long _granted;
    private long _refused;
    private long _failures;
    private long _expired;
    private long _reconnects;

    private PoolOptions Pool => options.Value.Pool;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        _backend = options.Value.Backends.Find(b => b.Id == id)
            ?? throw new ArgumentException($"No backend '{id}' is configured under Stt:Backends.");

        // A fresh activation may replace one whose silo died while streams ran on this server.
        // Until every surviving session has renewed, the server's own stream count guards capacity.
        _recoveringUntil = time.GetTimestamp() + ToTicks(Pool.LeaseTtl);
        await ProbeAndReportAsync(cancellationToken);
        this.RegisterGrainTimer(ProbeAndReportAsync, new GrainTimerCreationOptions(Pool.ProbeInterval, Pool.ProbeInterval) { Interleave = true });
        this.RegisterGrainTimer(_ => SweepExpired(), new GrainTimerCreationOptions(Pool.LeaseTtl / 4, Pool.LeaseTtl / 4));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        gauges.Forget(_backend.Id);
        return Task.CompletedTask;
    }

    public Task<BackendLease?> TryLease(string sessionId, bool failover)
    {
        SweepExpired();
        if (!_leases.ContainsKey(sessionId) && (!IsAcceptingHealth() || Occupancy() >= _backend.Capacity))
        {
            _refused++;
            metrics.Leases.Add(1, new KeyValuePair<string, object?>("backend", _backend.Id), new KeyValuePair<string, object?>("outcome", "refused"));
            return Task.FromResult<BackendLease?>(null);
        }

        if (_leases.TryAdd(sessionId, ExpiryFromNow()))
        {
            _granted++;
            _reconnects += failover ? 1 : 0;
            metrics.Leases.Add(1, new KeyValuePair<string, object?>("backend", _backend.Id), new KeyValuePair<string, object?>("outcome", "granted"));
            Snapshot();
        }

        return Task.FromResult<BackendLease?>(new BackendLease(_backend.Id, _backend.Url!, Pool.LeaseTtl / 3));
    }

    public Task Renew(string sessionId)
    {
        _leases[sessionId] = ExpiryFromNow();
        return Task.CompletedTask;
    }

    public Task Release(string sessionId)
    {
        if (_leases.Remove(sessionId))
        {
            Snapshot();
        }

        return Task.CompletedTask;
    }

    public Task ReportFailure(BackendFailure failure)
    {
        _failures++;
        var now = time.GetTimestamp();
        _recentFailures.Enqueue(now);
        ForgetOldFailures(now);
        if (!_unhealthy && _recentFailures.Count >= Pool.UnhealthyAfter)
        {
            BecomeUnhealthy($"sessions reported {_recentFailures.Count} failures, the last: {failure}");
        }

        Snapshot();
        return Task.CompletedTask;
    }

    public Task SetDraining(bool draining)
    {
        _drainingByOperator = draining;
        Snapshot();
        return Task.CompletedTask;
    }

    public Task<BackendPoolStatus> GetState() => Task.FromResult(Snapshot());

    /// <summary>The status now, handed to the gauges too: after every probe and every change of leases or health.</summary>
    private BackendPoolStatus Snapshot()
    {
        SweepExpired();
        ForgetOldFailures(time.GetTimestamp());
        var status = new BackendPoolStatus(
            _backend.Id, _backend.Capacity, _leases.Count, Health(), _granted, _refused, _failures, _expired, _reconnects,
            _serverActiveStreams, _lastProbeError);
        gauges.Report(status);
        return status;
    }

    private async Task ProbeAndReportAsync(CancellationToken cancellationToken)
    {
        await ProbeAsync(cancellationToken);
        Snapshot();
    }

    private BackendHealth Health() =>
        _drainingByOperator || _drainingByServer ? BackendHealth.Draining
        : _unhealthy ? BackendHealth.Unhealthy
        : _recentFailures.Count > 0 ? BackendHealth.Degraded
        : BackendHealth.Healthy;

    private bool IsAcceptingHealth() => Health() is BackendHealth.Healthy or BackendHealth.Degraded;

    private int Occupancy() =>
        time.GetTimestamp() < _recoveringUntil ? Math.Max(_leases.Count, _serverActiveStreams ?? 0) : _leases.Count;

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Pool.ProbeTimeout);
        try
        {
            using var response = await httpClients.CreateClient(nameof(BackendPoolGrain)).GetAsync(_backend.EffectiveHealthUrl, deadline.Token);
            var report = await response.Content.ReadFromJsonAsync(BackendJsonContext.Default.HealthReport, deadline.Token);
            _serverActiveStreams = report?.ActiveStreams;
            _drainingByServer = report?.Status == "draining";
            if (response.StatusCode == HttpStatusCode.OK || _drainingByServer)
            {
                OnProbePassed();
                return;
            }

            OnProbeFailed($"/health answered {(int)response.StatusCode} {report?.Status}");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException or NotSupportedException)
        {
            OnProbeFailed(ex is OperationCanceledException ? $"/health did not answer within {Pool.ProbeTimeout}" : ex.Message);
        }
    }

    private void OnProbePassed()
    {
        _lastProbeError = null;
        _probeFailuresInARow = 0;
        if (_unhealthy && ++_probeSuccessesInARow >= Pool.HealthyAfter)
        {
            _unhealthy = false;
            _recentFailures.Clear();
            LogRecovered(logger, _backend.Id);
        }
    }

    private void OnProbeFailed(string error)
    {
        _lastProbeError = error;
        _probeSuccessesInARow = 0;
        if (!_unhealthy && ++_probeFailuresInARow >= Pool.UnhealthyAfter)
        {
            BecomeUnhealthy(error);
        }
    }

    private void BecomeUnhealthy(string reason)
    {
        _unhealthy = true;
        _probeSuccessesInARow = 0;
        LogUnhealthy(logger, _backend.Id, reason);
    }

    private Task SweepExpired()
    {
        var now = time.GetTimestamp();
        foreach (var (session, expires) in _leases)
        {
            if (expires <= now)
            {
                _leases.Remove(session);
                _expired++;
            }
        }

        return Task.CompletedTask;
    }

    private void ForgetOldFailures(long now)
    {
        while (_recentFailures.TryPeek(out var at) && time.GetElapsedTime(at, now) > Pool.DegradedFor)
        {
            _recentFailures.Dequeue();
        }
    }

    private long ExpiryFromNow() => time.GetTimestamp() + ToTicks(Pool.LeaseTtl);

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GPU server {BackendId} is unhealthy: {Reason}")]
    private static partial void LogUnhealthy(ILogger logger, string backendId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "GPU server {BackendId} passed its probes again")]
    private static partial void LogRecovered(ILogger logger, string backendId);
}
