using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Grains.Interfaces.Sessions;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>Validates the <c>/v1/listen</c> query string (PROTOCOL §1) into a session request.</summary>
public static partial class ListenQuery
{
    private const int MinSampleRate = 8_000;
    private const int MaxSampleRate = 192_000;

    private static readonly string[] ResumeParameters = ["session_id", "resume_token", "last_seq"];

    public static bool TryParse(
        IQueryCollection query,
        string edgeId,
        EdgeOptions options,
        [NotNullWhen(true)] out SessionRequest? request,
        [NotNullWhen(false)] out string? problem)
    {
        request = null;
        foreach (var (key, values) in query)
        {
            if (values.Count > 1)
            {
                problem = $"'{key}' is given {values.Count} times; give it once.";
                return false;
            }
        }

        if (ResumeParameters.FirstOrDefault(query.ContainsKey) is { } resume)
        {
            problem = $"'{resume}': resuming a session is not supported by this gateway version yet.";
            return false;
        }

        var language = Single(query, "language") ?? "en";
        if (!LanguageTag().IsMatch(language))
        {
            problem = $"'language' must be a BCP-47 tag such as en or pt-BR (got '{language}').";
            return false;
        }

        var translate = new List<string>();
        if (Single(query, "translate") is { Length: > 0 } targets)
        {
            foreach (var target in targets.Split(','))
            {
                if (!LanguageTag().IsMatch(target))
                {
                    problem = $"'translate' must be comma-separated BCP-47 tags such as ja,de (got '{target}').";
                    return false;
                }

                if (translate.Contains(target, StringComparer.OrdinalIgnoreCase))
                {
                    problem = $"'translate' names '{target}' twice.";
                    return false;
                }

                translate.Add(target);
            }
        }

        if (translate.Count > options.MaxTranslations)
        {
            problem = $"'translate' names {translate.Count} languages; at most {options.MaxTranslations} are allowed.";
            return false;
        }

        var sampleRateText = Single(query, "sample_rate") ?? "16000";
        if (!int.TryParse(sampleRateText, NumberStyles.None, CultureInfo.InvariantCulture, out var sampleRate)
            || sampleRate is < MinSampleRate or > MaxSampleRate)
        {
            problem = $"'sample_rate' must be a whole number of Hz from {MinSampleRate} to {MaxSampleRate} (got '{sampleRateText}').";
            return false;
        }

        var encoding = Single(query, "encoding") ?? "pcm_s16le";
        if (!EncodingName().IsMatch(encoding))
        {
            problem = $"'encoding' must be a name such as pcm_s16le (got '{encoding}').";
            return false;
        }

        request = new SessionRequest(edgeId, language, translate, sampleRate, encoding, options.DeliveryStreams);
        problem = null;
        return true;
    }

    private static string? Single(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) ? values[0] : null;

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();

    [GeneratedRegex("^[a-z0-9_]{1,32}$")]
    private static partial Regex EncodingName();
}
