using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>Ways a request to <c>/v1/listen</c> can fail to be a WebSocket upgrade, or not.</summary>
public enum HandshakeFlaw
{
    None,
    NoUpgradeHeaders,
    WrongVersion,
    BadKey,
    NoKey,
    PostMethod,
}

/// <summary>The answer docs/protocol.md §1.1 gives to an upgrade request.</summary>
public sealed record QueryAnswer(int Status, string? Code, IReadOnlyList<string> Names, string Rule)
{
    public bool Upgrades => Status == 101;

    public override string ToString() => Upgrades
        ? "101 upgrade (a valid query)"
        : $"HTTP {Status} {Code}{(Names.Count > 0 ? $" naming '{string.Join("' or '", Names)}'" : "")} ({Rule})";
}

/// <summary>
/// docs/protocol.md §1.1 ("Query parameters", "Further rules", "Refused upgrades") and §1.7 (resume)
/// written down as code: the documented answer to any <c>/v1/listen</c> query on an edge configured
/// as <see cref="Infrastructure.GatewayFixture"/> leaves it (no API keys, no language lists, the
/// default encodings), worked out from the docs alone.
/// </summary>
public static partial class ListenQueryDocs
{
    public const int MinSampleRate = 8_000;
    public const int MaxSampleRate = 192_000;
    public const int MaxTranslations = 8;

    public static readonly string[] ResumeNames = ["session_id", "resume_token", "last_seq"];

    /// <summary><c>Stt:Edge:Encodings</c> as the fixture leaves it: the default, <c>pcm_s16le</c> only.</summary>
    public static readonly string[] AcceptedEncodings = ["pcm_s16le"];

    public static QueryAnswer Answer(string? query, HandshakeFlaw flaw)
    {
        if (flaw != HandshakeFlaw.None)
        {
            return Refused("not a WebSocket upgrade request");
        }

        var pairs = Parse(query);

        // "Every parameter may appear once": names compared case-insensitively, unknown ones too.
        var duplicated = pairs.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicated.Count > 0)
        {
            return Refused("a parameter given twice", [.. duplicated]);
        }

        string? Get(string name) => pairs.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

        if (ResumeNames.Any(n => Get(n) is not null))
        {
            // A resume needs all three, well-formed; it ignores language, translate, sample_rate and encoding.
            var wrong = ResumeNames.Where(n => Get(n) is not { } value || !(n switch
            {
                "session_id" => SessionId().IsMatch(value),
                "resume_token" => ResumeToken().IsMatch(value),
                _ => Digits().IsMatch(value),
            })).ToList();
            return wrong.Count > 0
                ? Refused("resume parameters missing or malformed", [.. wrong])
                : new QueryAnswer(404, "session_not_found", [], "a well-formed resume of a session that does not exist");
        }

        if (!LanguageTag().IsMatch(Get("language") ?? "en"))
        {
            return Refused("language tag", "language");
        }

        if (Get("translate") is { Length: > 0 } translate)
        {
            var targets = translate.Split(',');
            if (targets.Any(t => !LanguageTag().IsMatch(t)))
            {
                return Refused("a translate item", "translate");
            }

            if (targets.Distinct(StringComparer.OrdinalIgnoreCase).Count() != targets.Length)
            {
                return Refused("a translate language twice", "translate");
            }

            if (targets.Length > MaxTranslations)
            {
                return Refused("more than Stt:Edge:MaxTranslations targets", "translate");
            }
        }

        var sampleRate = Get("sample_rate") ?? "16000";
        if (!Digits().IsMatch(sampleRate) || BigInteger.Parse(sampleRate, System.Globalization.CultureInfo.InvariantCulture) is var hz && (hz < MinSampleRate || hz > MaxSampleRate))
        {
            return Refused("sample_rate", "sample_rate");
        }

        var encoding = Get("encoding") ?? "pcm_s16le";
        if (!EncodingName().IsMatch(encoding))
        {
            return Refused("encoding name", "encoding");
        }

        if (!AcceptedEncodings.Contains(encoding))
        {
            return Refused("an encoding not in Stt:Edge:Encodings", "encoding");
        }

        return new QueryAnswer(101, null, [], "valid");
    }

    /// <summary>
    /// The query as a server reads it: <c>&amp;</c>-separated, empty pieces skipped, split at the
    /// first <c>=</c> (none: an empty value), names and values URL-decoded: <c>+</c> is a space, a
    /// <c>%</c> without two hex digits stays as it is, and so do escapes of bytes that are not UTF-8
    /// (the docs do not say; this is what URL decoders that cannot fail, like .NET's, do).
    /// </summary>
    public static List<(string Name, string Value)> Parse(string? query)
    {
        var pairs = new List<(string, string)>();
        foreach (var piece in (query ?? "").Split('&'))
        {
            if (piece.Length == 0)
            {
                continue;
            }

            var equals = piece.IndexOf('=', StringComparison.Ordinal);
            pairs.Add(equals < 0 ? (Decode(piece), "") : (Decode(piece[..equals]), Decode(piece[(equals + 1)..])));
        }

        return pairs;
    }

    public static string Decode(string encoded)
    {
        var text = new StringBuilder(encoded.Length);
        var i = 0;
        while (i < encoded.Length)
        {
            if (!IsEscape(encoded, i))
            {
                text.Append(encoded[i] == '+' ? ' ' : encoded[i]);
                i++;
                continue;
            }

            // A run of escapes: its UTF-8 sequences decoded, its other bytes left escaped.
            var run = new List<byte>();
            var start = i;
            while (IsEscape(encoded, i))
            {
                run.Add(Convert.ToByte(encoded.Substring(i + 1, 2), 16));
                i += 3;
            }

            var bytes = run.ToArray();
            for (var at = 0; at < bytes.Length;)
            {
                if (Rune.DecodeFromUtf8(bytes.AsSpan(at), out var rune, out var consumed) == System.Buffers.OperationStatus.Done)
                {
                    text.Append(rune.ToString());
                    at += consumed;
                }
                else
                {
                    text.Append(encoded, start + (3 * at), 3);
                    at++;
                }
            }
        }

        return text.ToString();
    }

    private static bool IsEscape(string text, int at) =>
        at + 2 < text.Length && text[at] == '%' && Uri.IsHexDigit(text[at + 1]) && Uri.IsHexDigit(text[at + 2]);

    private static QueryAnswer Refused(string rule, params string[] names) => new(400, "bad_request", names, rule);

    // The patterns of docs/protocol.md §1.1, anchored with \z: "en\n" is not "en".
    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\z", RegexOptions.CultureInvariant)]
    public static partial Regex LanguageTag();

    [GeneratedRegex(@"^[a-z0-9_]{1,32}\z", RegexOptions.CultureInvariant)]
    public static partial Regex EncodingName();

    // "32 lowercase hex digits"
    [GeneratedRegex(@"^[0-9a-f]{32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SessionId();

    // "1–64 URL-safe base64 characters"
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ResumeToken();

    // "digits only (no sign, spaces or decimal point)"; "digits only (0 or more)"
    [GeneratedRegex(@"^[0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex Digits();
}
