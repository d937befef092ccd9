using Microsoft.Extensions.Options;
using OrleansStt.Grains.Sessions;
using OrleansStt.Hosting.Security;

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

        if (options.ApiKeys.Any(Credentials.IsPlaceholder))
        {
            problems.Add($"Stt:Edge:ApiKeys contains a placeholder starting with '{Credentials.PlaceholderPrefix}': replace it with a random key (e.g. openssl rand -hex 32; docs/security.md).");
        }

        foreach (var (key, values) in new[] { ("Encodings", options.Encodings), ("Languages", options.Languages), ("TranslationLanguages", options.TranslationLanguages) })
        {
            if (values.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add($"Stt:Edge:{key} must not contain empty entries.");
            }
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

        if (options.TokenSecret is { } secret && secret.Length < 32)
        {
            problems.Add($"Stt:Edge:TokenSecret must be at least 32 characters (got {secret.Length}).");
        }

        if (Credentials.IsPlaceholder(options.TokenSecret))
        {
            problems.Add($"Stt:Edge:TokenSecret is a placeholder starting with '{Credentials.PlaceholderPrefix}': replace it with 32 or more random characters (e.g. openssl rand -hex 32; deploy/k8s/base/secret.yaml, docs/security.md).");
        }

        if (options.CaptionsTokenUrl is { } tokenUrl
            && (!tokenUrl.StartsWith('/') || tokenUrl.StartsWith("//", StringComparison.Ordinal) || tokenUrl.Contains('\\')))
        {
            problems.Add($"Stt:Edge:CaptionsTokenUrl must be a path on this origin, starting with one '/' (got '{tokenUrl}').");
        }

        if (options.TokenLifetime <= TimeSpan.Zero)
        {
            problems.Add($"Stt:Edge:TokenLifetime must be a positive duration (got {options.TokenLifetime}).");
        }

        if (options.MaxSessionsPerClient < 1)
        {
            problems.Add($"Stt:Edge:MaxSessionsPerClient must be at least 1 (got {options.MaxSessionsPerClient}).");
        }

        if (!(options.MaxAudioSpeed >= 1.0))
        {
            problems.Add($"Stt:Edge:MaxAudioSpeed must be at least 1 (real time) (got {options.MaxAudioSpeed}).");
        }

        if (options.AudioBurst < TimeSpan.FromSeconds(1))
        {
            problems.Add($"Stt:Edge:AudioBurst must be at least 00:00:01 (got {options.AudioBurst}).");
        }

        if (options.OutputQueueMaxBytes < 16 * 1024)
        {
            problems.Add($"Stt:Edge:OutputQueueMaxBytes must be at least 16384 (got {options.OutputQueueMaxBytes}).");
        }

        if (options.DeliveryStreams < 1)
        {
            problems.Add($"Stt:Edge:DeliveryStreams must be at least 1 (got {options.DeliveryStreams}).");
        }

        if (options.AudioCredit is < 0 or > 1024)
        {
            problems.Add($"Stt:Edge:AudioCredit must be between 0 and 1024 (got {options.AudioCredit}).");
        }

        if (options.AudioCreditTime < TimeSpan.Zero)
        {
            problems.Add($"Stt:Edge:AudioCreditTime must not be negative (got {options.AudioCreditTime}).");
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

        if (options.RecoveryBudgetBytes < AudioReplayBuffer.BlockSize)
        {
            problems.Add($"Stt:Edge:RecoveryBudgetBytes must be at least {AudioReplayBuffer.BlockSize} (got {options.RecoveryBudgetBytes}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
