using System.Globalization;
using System.Text;

namespace OrleansStt.Client;

/// <summary>
/// Where and how to open a <c>/v1/listen</c> session (PROTOCOL.md §1).
/// A null <see cref="Language"/>, <see cref="SampleRate"/> or <see cref="Encoding"/> omits the
/// query parameter so the edge applies its own default. <see cref="SessionId"/>,
/// <see cref="ResumeToken"/> and <see cref="LastSeq"/> open the session as a resume by hand; the
/// session resumes by itself after a break anyway (<see cref="Resume"/>).
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
    /// More edges a resume may go to (the same path on other hosts), tried in turn after the one
    /// the session was on; after a <c>draining</c> notice, the next one first. Empty when
    /// <see cref="Uri"/> is a load balancer: the same URL is then tried again.
    /// </summary>
    public IReadOnlyList<Uri> OtherEdges { get; init; } = [];

    public SttResumeOptions Resume { get; init; } = new();

    /// <summary><see cref="Uri"/> first, then <see cref="OtherEdges"/>.</summary>
    public IReadOnlyList<Uri> Edges => [Uri, .. OtherEdges];

    /// <summary>
    /// Appended as given (escaped, so the edge decodes exactly these strings). A name that is also a
    /// standard parameter replaces it, so tests can send values such as <c>sample_rate=abc</c>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraQuery { get; init; } = [];

    /// <summary>The sample rate the edge will assume, which audio positions (<c>end_ms</c>) are counted in.</summary>
    public int EffectiveSampleRate => SampleRate ?? 16000;

    /// <exception cref="ArgumentException">An edge is not an absolute URI, or <see cref="Resume"/> is out of range.</exception>
    public void Validate()
    {
        if (Edges.FirstOrDefault(edge => !edge.IsAbsoluteUri) is { } relative)
        {
            throw new ArgumentException($"Every edge must be an absolute ws:// or wss:// URI (got '{relative}').");
        }

        Resume.Validate();
    }

    /// <summary>
    /// The resume request to <paramref name="edge"/> (PROTOCOL.md §1.3): the session's id, token and
    /// the highest <c>seq</c> received, with the credentials again but not the session's parameters.
    /// </summary>
    public Uri BuildResumeUri(Uri edge, string sessionId, string resumeToken, long lastSeq) =>
        (this with
        {
            Uri = edge,
            Language = null,
            Translate = [],
            SampleRate = null,
            Encoding = null,
            SessionId = sessionId,
            ResumeToken = resumeToken,
            LastSeq = lastSeq,
            ExtraQuery = [],
        }).BuildUri();

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
