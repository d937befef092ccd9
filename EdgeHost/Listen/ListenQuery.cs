using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Grains.Interfaces.Sessions;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>Validates the <c>/v1/listen</c> query string (PROTOCOL §1) into a new session's request or a resume.</summary>
public static partial class ListenQuery
{
    private const int MinSampleRate = 8_000;
    private const int MaxSampleRate = 192_000;

    private static readonly string[] ResumeParameters = ["session_id", "resume_token", "last_seq"];

    /// <summary>
    /// A new session (<paramref name="request"/>) or a resume (<paramref name="resume"/>); false with the
    /// <paramref name="problem"/> to answer 400 with.
    /// </summary>
    public static bool TryParse(
        IQueryCollection query,
        EdgeOptions options,
        out SessionRequest? request,
        out ResumeRequest? resume,
        [NotNullWhen(false)] out string? problem)
    {
        request = null;
        resume = null;
        foreach (var (key, values) in query)
        {
            if (values.Count > 1)
            {
                problem = $"'{key}' is given {values.Count} times; give it once.";
                return false;
            }
        }

        return ResumeParameters.Any(query.ContainsKey)
            ? TryParseResume(query, out resume, out problem)
            : TryParseNew(query, options, out request, out problem);
    }

    /// <summary>PROTOCOL §1.3: the session's other parameters are not given again, and are ignored if they are.</summary>
    private static bool TryParseResume(IQueryCollection query, out ResumeRequest? resume, [NotNullWhen(false)] out string? problem)
    {
        resume = null;
        if (ResumeParameters.FirstOrDefault(p => !query.ContainsKey(p)) is { } missing)
        {
            problem = $"A resume needs session_id, resume_token and last_seq; '{missing}' is missing.";
            return false;
        }

        var sessionId = Single(query, "session_id")!;
        if (!SessionId().IsMatch(sessionId))
        {
            problem = $"'session_id' must be the session_id of a 'session' message (got '{sessionId}').";
            return false;
        }

        var token = Single(query, "resume_token")!;
        if (!ResumeToken().IsMatch(token))
        {
            problem = "'resume_token' must be the resume_token of a 'session' message.";
            return false;
        }

        var lastSeqText = Single(query, "last_seq")!;
        if (lastSeqText.Length == 0 || !lastSeqText.All(char.IsAsciiDigit))
        {
            problem = $"'last_seq' must be the highest seq received, a whole number from 0 (got '{lastSeqText}').";
            return false;
        }

        // A number too large for any session is still well-formed: a seq in the future, answered 404 like any other.
        var lastSeq = long.TryParse(lastSeqText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : long.MaxValue;

        resume = new ResumeRequest(sessionId, token, lastSeq);
        problem = null;
        return true;
    }

    private static bool TryParseNew(IQueryCollection query, EdgeOptions options, out SessionRequest? request, [NotNullWhen(false)] out string? problem)
    {
        request = null;

        var language = Single(query, "language") ?? "en";
        if (!LanguageTag().IsMatch(language))
        {
            problem = $"'language' must be a BCP-47 tag such as en or pt-BR (got '{language}').";
            return false;
        }

        if (!Allowed(options.Languages, language))
        {
            problem = $"'language' {language} is not offered here; offered: {string.Join(", ", options.Languages)}.";
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

                if (!Allowed(options.TranslationLanguages, target))
                {
                    problem = $"'translate' {target} is not offered here; offered: {string.Join(", ", options.TranslationLanguages)}.";
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

        if (!options.AcceptedEncodings.Contains(encoding, StringComparer.Ordinal))
        {
            problem = $"'encoding' {encoding} is not supported; supported: {string.Join(", ", options.AcceptedEncodings)}.";
            return false;
        }

        request = new SessionRequest(language, translate, sampleRate, encoding);
        problem = null;
        return true;
    }

    private static bool Allowed(List<string> offered, string tag) =>
        offered.Count == 0 || offered.Contains(tag, StringComparer.OrdinalIgnoreCase);

    private static string? Single(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) ? values[0] : null;

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\z")]
    private static partial Regex LanguageTag();

    [GeneratedRegex(@"^[a-z0-9_]{1,32}\z")]
    private static partial Regex EncodingName();

    [GeneratedRegex(@"^[0-9a-f]{32}\z")]
    private static partial Regex SessionId();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex ResumeToken();
}
