using System.Globalization;
using System.Text;

namespace OrleansStt.Client;

/// <summary>
/// Where and how to open a <c>/v1/listen</c> session (PROTOCOL.md §1).
/// A null <see cref="Language"/>, <see cref="SampleRate"/> or <see cref="Encoding"/> omits the
/// query parameter so the edge applies its own default.
/// </summary>
public sealed record SttConnectOptions(Uri Uri)
{
    public string? Language { get; init; } = "en";

    public IReadOnlyList<string> Translate { get; init; } = [];

    public int? SampleRate { get; init; } = 16000;

    public string? Encoding { get; init; } = "pcm_s16le";

    /// <summary>Sent as <c>Authorization: Bearer</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Sent as the <c>access_token</c> query parameter, the browser way.</summary>
    public string? AccessToken { get; init; }

    public string? SessionId { get; init; }

    public string? ResumeToken { get; init; }

    public long? LastSeq { get; init; }

    /// <summary>
    /// Appended as given (escaped, so the edge decodes exactly these strings). A name that is also a
    /// standard parameter replaces it, so tests can send values such as <c>sample_rate=abc</c>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraQuery { get; init; } = [];

    /// <summary>The sample rate the edge will assume, which audio positions (<c>end_ms</c>) are counted in.</summary>
    public int EffectiveSampleRate => SampleRate ?? 16000;

    public Uri BuildUri()
    {
        var pairs = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value)
        {
            if (value is not null && !ExtraQuery.Any(p => p.Key == name))
            {
                pairs.Add(new(name, value));
            }
        }

        Add("language", Language);
        Add("translate", Translate.Count == 0 ? null : string.Join(',', Translate));
        Add("sample_rate", SampleRate?.ToString(CultureInfo.InvariantCulture));
        Add("encoding", Encoding);
        Add("session_id", SessionId);
        Add("resume_token", ResumeToken);
        Add("last_seq", LastSeq?.ToString(CultureInfo.InvariantCulture));
        Add("access_token", AccessToken);
        pairs.AddRange(ExtraQuery);

        var query = new StringBuilder(Uri.Query.TrimStart('?'));
        foreach (var (name, value) in pairs)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }

            // Commas stay literal inside translate lists: the protocol's own example is translate=ja,de.
            query.Append(Uri.EscapeDataString(name)).Append('=')
                .Append(string.Join(',', value.Split(',').Select(Uri.EscapeDataString)));
        }

        return new UriBuilder(Uri) { Query = query.ToString() }.Uri;
    }
}
