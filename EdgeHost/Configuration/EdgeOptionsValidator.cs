using Microsoft.Extensions.Options;

namespace OrleansStt.EdgeHost.Configuration;

public sealed class EdgeOptionsValidator : IValidateOptions<EdgeOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        var problems = new List<string>();
        if (options.ApiKeys.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("Stt:Edge:ApiKeys must not contain empty keys.");
        }

        if (options.MaxSessions < 1)
        {
            problems.Add($"Stt:Edge:MaxSessions must be at least 1 (got {options.MaxSessions}).");
        }

        if (options.MaxAudioFrameBytes < 1024)
        {
            problems.Add($"Stt:Edge:MaxAudioFrameBytes must be at least 1024 (got {options.MaxAudioFrameBytes}).");
        }

        if (options.MaxControlFrameBytes < 256)
        {
            problems.Add($"Stt:Edge:MaxControlFrameBytes must be at least 256 (got {options.MaxControlFrameBytes}).");
        }

        if (options.MaxTranslations < 0)
        {
            problems.Add($"Stt:Edge:MaxTranslations must not be negative (got {options.MaxTranslations}).");
        }

        if (options.OutputQueueLimit < 16)
        {
            problems.Add($"Stt:Edge:OutputQueueLimit must be at least 16 (got {options.OutputQueueLimit}).");
        }

        if (options.DeliveryStreams < 1)
        {
            problems.Add($"Stt:Edge:DeliveryStreams must be at least 1 (got {options.DeliveryStreams}).");
        }

        if (options.CloseTimeout <= TimeSpan.Zero)
        {
            problems.Add($"Stt:Edge:CloseTimeout must be a positive duration (got {options.CloseTimeout}).");
        }

        foreach (var (key, value) in new[]
        {
            ("DrainTimeout", options.DrainTimeout),
            ("ResendAfter", options.ResendAfter),
            ("AuditAfterDisruption", options.AuditAfterDisruption),
            ("ProbeAfter", options.ProbeAfter),
            ("RecoveryTimeout", options.RecoveryTimeout),
            ("RecoveryWindow", options.RecoveryWindow),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"Stt:Edge:{key} must be a positive duration (got {value}).");
            }
        }

        if (options.RecoveryMaxBytes < 0)
        {
            problems.Add($"Stt:Edge:RecoveryMaxBytes must not be negative (got {options.RecoveryMaxBytes}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
