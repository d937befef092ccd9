using Microsoft.Extensions.Options;

namespace OrleansStt.EdgeHost.Admission;

public sealed class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>
{
    public ValidateOptionsResult Validate(string? name, AdmissionOptions options)
    {
        var problems = new List<string>();
        foreach (var (key, value) in new[]
        {
            (nameof(options.DeliveryLatencyLimit), options.DeliveryLatencyLimit),
            (nameof(options.DispatchLagLimit), options.DispatchLagLimit),
            (nameof(options.ProbeInterval), options.ProbeInterval),
            (nameof(options.Window), options.Window),
            (nameof(options.HoldFor), options.HoldFor),
        })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
            {
                problems.Add($"{AdmissionOptions.Section}:{key} must be positive and at most an hour (got {value}).");
            }
        }

        if (options.Window < options.ProbeInterval)
        {
            problems.Add($"{AdmissionOptions.Section}:Window ({options.Window}) must be at least one ProbeInterval ({options.ProbeInterval}).");
        }

        if (options.HoldFor < options.Window)
        {
            problems.Add($"{AdmissionOptions.Section}:HoldFor ({options.HoldFor}) must be at least one Window ({options.Window}), or refusals would lapse between judgements.");
        }

        if (options.MinimumLate < 1)
        {
            problems.Add($"{AdmissionOptions.Section}:MinimumLate must be at least 1 (got {options.MinimumLate}).");
        }

        if (options.SlowStartSessions < 1)
        {
            problems.Add($"{AdmissionOptions.Section}:SlowStartSessions must be at least 1 (got {options.SlowStartSessions}).");
        }

        if (!double.IsFinite(options.SlowStartGrowth) || !(options.SlowStartGrowth > 1))
        {
            problems.Add($"{AdmissionOptions.Section}:SlowStartGrowth must be above 1 (got {options.SlowStartGrowth}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
