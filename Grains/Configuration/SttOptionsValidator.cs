using Microsoft.Extensions.Options;
using OrleansStt.Grains.Sessions;

namespace OrleansStt.Grains.Configuration;

/// <summary>Fails silo start with one line per problem, named by its configuration key.</summary>
public sealed class SttOptionsValidator : IValidateOptions<SttOptions>
{
    public ValidateOptionsResult Validate(string? name, SttOptions options)
    {
        var problems = new List<string>();
        if (options.Backends.Count == 0)
        {
            problems.Add("Stt:Backends is empty: configure at least one GPU server (Stt__Backends__0__Id, Stt__Backends__0__Url, Stt__Backends__0__Capacity).");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Backends.Count; i++)
        {
            var backend = options.Backends[i];
            var key = $"Stt:Backends:{i}";
            if (string.IsNullOrWhiteSpace(backend.Id))
            {
                problems.Add($"{key}:Id is required.");
            }
            else if (!ids.Add(backend.Id))
            {
                problems.Add($"{key}:Id '{backend.Id}' is used by another backend.");
            }

            if (backend.Url is not { IsAbsoluteUri: true } url || (url.Scheme != "ws" && url.Scheme != "wss"))
            {
                problems.Add($"{key}:Url must be an absolute ws:// or wss:// URL (got '{backend.Url}').");
            }

            if (backend.Capacity < 1)
            {
                problems.Add($"{key}:Capacity must be at least 1 (got {backend.Capacity}).");
            }
        }

        RequirePositive(problems, "Stt:Session:IdleTimeout", options.Session.IdleTimeout);
        RequirePositive(problems, "Stt:Session:NoAudioTimeout", options.Session.NoAudioTimeout);
        RequirePositive(problems, "Stt:Session:MaxLifetime", options.Session.MaxLifetime);
        RequirePositive(problems, "Stt:Session:StopTimeout", options.Session.StopTimeout);
        RequirePositive(problems, "Stt:Session:ConnectTimeout", options.Session.ConnectTimeout);
        RequirePositive(problems, "Stt:Session:StallTimeout", options.Session.StallTimeout);
        RequirePositive(problems, "Stt:Session:ReplayWindow", options.Session.ReplayWindow);
        RequireAtLeast(problems, "Stt:Session:MaxBackendSwitches", options.Session.MaxBackendSwitches, 0);
        RequireAtLeast(problems, "Stt:Session:ReplayMaxBytes", options.Session.ReplayMaxBytes, 0);
        RequireAtLeast(problems, "Stt:Session:ReplayBudgetBytes", options.Session.ReplayBudgetBytes, AudioReplayBuffer.BlockSize);
        RequirePositive(problems, "Stt:Session:GracePeriod", options.Session.GracePeriod);
        RequirePositive(problems, "Stt:Session:EndedRetention", options.Session.EndedRetention);
        RequireAtLeast(problems, "Stt:Session:LogMaxMessages", options.Session.LogMaxMessages, 16);
        RequireAtLeast(problems, "Stt:Session:LogMaxBytes", options.Session.LogMaxBytes, 4096);
        RequirePositive(problems, "Stt:Pool:LeaseTtl", options.Pool.LeaseTtl);
        RequirePositive(problems, "Stt:Pool:ProbeInterval", options.Pool.ProbeInterval);
        RequirePositive(problems, "Stt:Pool:ProbeTimeout", options.Pool.ProbeTimeout);
        RequirePositive(problems, "Stt:Pool:DegradedFor", options.Pool.DegradedFor);
        RequirePositive(problems, "Stt:Pool:StatusRefresh", options.Pool.StatusRefresh);
        RequirePositive(problems, "Stt:Pool:PingInterval", options.Pool.PingInterval);
        RequireAtLeast(problems, "Stt:Pool:UnhealthyAfter", options.Pool.UnhealthyAfter, 1);
        RequireAtLeast(problems, "Stt:Pool:HealthyAfter", options.Pool.HealthyAfter, 1);
        RequireAtLeast(problems, "Stt:Pool:MinIdleConnections", options.Pool.MinIdleConnections, 0);
        RequireAtLeast(problems, "Stt:Pool:MaxIdleConnections", options.Pool.MaxIdleConnections, Math.Max(options.Pool.MinIdleConnections, 1));
        RequirePositive(problems, "Stt:Delivery:PollPeriod", options.Delivery.PollPeriod);
        RequirePositive(problems, "Stt:Delivery:IdlePublisherTimeout", options.Delivery.IdlePublisherTimeout);
        RequirePositive(problems, "Stt:Delivery:PublishTimeout", options.Delivery.PublishTimeout);
        RequirePositive(problems, "Stt:Delivery:RetryFirst", options.Delivery.RetryFirst);
        RequirePositive(problems, "Stt:Delivery:CacheRetention", options.Delivery.CacheRetention);
        if (options.Delivery.RetryLongest < options.Delivery.RetryFirst)
        {
            problems.Add($"Stt:Delivery:RetryLongest must be at least Stt:Delivery:RetryFirst ({options.Delivery.RetryFirst}) (got {options.Delivery.RetryLongest}).");
        }

        RequireAtLeast(problems, "Stt:Delivery:Queues", options.Delivery.Queues, 1);
        RequireAtLeast(problems, "Stt:Delivery:MaxDequeue", options.Delivery.MaxDequeue, 1);
        RequireAtLeast(problems, "Stt:Delivery:MaxBatch", options.Delivery.MaxBatch, 1);
        RequireAtLeast(problems, "Stt:Delivery:EventsPerDelivery", options.Delivery.EventsPerDelivery, 1);

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void RequireAtLeast(List<string> problems, string key, long value, long minimum)
    {
        if (value < minimum)
        {
            problems.Add($"{key} must be at least {minimum} (got {value}).");
        }
    }

    private static void RequirePositive(List<string> problems, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{key} must be a positive duration such as 00:00:30 (got {value}).");
        }
    }
}
