using Microsoft.Extensions.Options;

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
        RequirePositive(problems, "Stt:Session:StopTimeout", options.Session.StopTimeout);
        RequirePositive(problems, "Stt:Session:ConnectTimeout", options.Session.ConnectTimeout);
        RequirePositive(problems, "Stt:Delivery:PollPeriod", options.Delivery.PollPeriod);
        if (options.Delivery.Queues < 1)
        {
            problems.Add($"Stt:Delivery:Queues must be at least 1 (got {options.Delivery.Queues}).");
        }

        if (options.Delivery.StreamsPerEdge < 1)
        {
            problems.Add($"Stt:Delivery:StreamsPerEdge must be at least 1 (got {options.Delivery.StreamsPerEdge}).");
        }

        if (options.Delivery.MaxDequeue < 1)
        {
            problems.Add($"Stt:Delivery:MaxDequeue must be at least 1 (got {options.Delivery.MaxDequeue}).");
        }

        if (options.Delivery.MaxBatch < 1)
        {
            problems.Add($"Stt:Delivery:MaxBatch must be at least 1 (got {options.Delivery.MaxBatch}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void RequirePositive(List<string> problems, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{key} must be a positive duration such as 00:00:30 (got {value}).");
        }
    }
}
