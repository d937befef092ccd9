namespace OrleansStt.EdgeHost.Configuration;

/// <summary>The <c>Stt:Edge</c> section: what an edge accepts from clients.</summary>
public sealed class EdgeOptions
{
    public const string Section = "Stt:Edge";

    /// <summary>Accepted API keys (<c>Authorization: Bearer</c> or <c>access_token</c>); empty admits everyone.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// Most client sockets this edge holds at once. The next upgrade is refused with HTTP 503
    /// <c>capacity_exhausted</c> and <c>Retry-After</c>, so that the client comes back to a less
    /// loaded edge instead of every session on an overloaded edge falling behind. Size it from a
    /// benchmark of your traffic (docs/benchmarks.md); the default only bounds memory, at the
    /// 130–150 KB per session measured at 3,000 sessions.
    /// </summary>
    public int MaxSessions { get; set; } = 10_000;

    /// <summary>
    /// The secret that signs browser tokens (<c>POST /v1/tokens</c>); every edge of a deployment must
    /// share it for a token minted on one to open a session on another. Unset: a random secret per
    /// edge process, fine for a single edge.
    /// </summary>
    public string? TokenSecret { get; set; }

    /// <summary>How long a browser token may open sessions.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A path on the edge's own origin (e.g. <c>/stt-token</c>, the customer's endpoint behind the same
    /// reverse proxy) the captions page POSTs to, with the user's cookies, for a fresh token before every
    /// connect and resume. Configuration, not a page parameter: a link must not choose where the page POSTs.
    /// </summary>
    public string? CaptionsTokenUrl { get; set; }

    /// <summary>
    /// Most sessions one API key holds on this edge at once; the next upgrade gets HTTP 429
    /// <c>rate_limited</c> with <c>Retry-After</c>. Counted per edge, so a key reaching N edges may
    /// hold N times this. Without keys there is no key to count against: only <see cref="MaxSessions"/> bounds.
    /// </summary>
    public int MaxSessionsPerClient { get; set; } = 100;

    /// <summary>
    /// How much faster than real time a client may send audio, after a burst of <see cref="AudioBurst"/>
    /// (a resume re-sends a few seconds at once). Faster clients are read more slowly, not refused.
    /// </summary>
    public double MaxAudioSpeed { get; set; } = 2.0;

    /// <summary>Audio a client may send at once beyond <see cref="MaxAudioSpeed"/>.</summary>
    public TimeSpan AudioBurst { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest binary audio frame; a larger one ends the session with <c>payload_too_large</c> (1009).</summary>
    public int MaxAudioFrameBytes { get; set; } = 64 * 1024;

    /// <summary>Largest JSON control frame; a larger one is treated like an oversize audio frame.</summary>
    public int MaxControlFrameBytes { get; set; } = 4 * 1024;

    /// <summary>
    /// Audio encodings clients may ask for; any other gets HTTP 400 before a GPU server sees it.
    /// Empty: <c>pcm_s16le</c>, the one every server of the protocol takes. (Empty rather than a
    /// default list, since configuration adds to a list instead of replacing it.)
    /// </summary>
    public List<string> Encodings { get; set; } = [];

    /// <summary>Spoken languages clients may ask for; empty: any well-formed tag, and the GPU server decides.</summary>
    public List<string> Languages { get; set; } = [];

    /// <summary>Languages clients may ask <c>translate</c> for; empty: any well-formed tag, and the GPU server decides.</summary>
    public List<string> TranslationLanguages { get; set; } = [];

    /// <summary>The encodings actually accepted: <see cref="Encodings"/>, or <c>pcm_s16le</c> when none are configured.</summary>
    public IReadOnlyList<string> AcceptedEncodings => Encodings.Count > 0 ? Encodings : ["pcm_s16le"];

    /// <summary>Most languages one session may ask <c>translate</c> for.</summary>
    public int MaxTranslations { get; set; } = 8;

    /// <summary>Messages queued for a client that reads too slowly before the edge drops its socket.</summary>
    public int OutputQueueLimit { get; set; } = 4096;

    /// <summary>
    /// Bytes of messages (estimated from their text) queued for a client that reads too slowly before
    /// the edge drops its socket: what one client that never reads can cost this edge.
    /// </summary>
    public long OutputQueueMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Delivery streams this edge listens on; its sessions are spread over them so that several
    /// stream agents deliver at once (docs/delivery.md). Each session tells its grain the count.
    /// </summary>
    public int DeliveryStreams { get; set; } = 8;

    /// <summary>
    /// Audio frames the edge sends to a session one-way, without waiting for an answer, after each
    /// answered one: a frame then costs one Orleans message instead of a request and an answer
    /// (docs/benchmarks.md). The answered frames are the backpressure: a client is read no further
    /// ahead of its session than this many frames or <see cref="AudioCreditTime"/>. 0 awaits every frame.
    /// </summary>
    public int AudioCredit { get; set; } = 8;

    /// <summary>
    /// The longest the edge goes on sending one-way after the last answered frame. Also how long a
    /// command (<c>finalize</c>, <c>close_stream</c>) waits for audio pushed before it to reach the
    /// session before the edge takes it for lost and re-sends it from its copy (a re-link).
    /// </summary>
    public TimeSpan AudioCreditTime { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the edge waits for the client's close frame after sending its own.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// On shutdown (SIGTERM: a rolling update or scale-in), how long the edge gives clients after
    /// <c>draining</c> to resume elsewhere before it closes the sockets still open (1001). The
    /// container's stop grace period must be longer (deploy/README.md).
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A session that published nothing this edge received for this long is asked what it published;
    /// messages it is owed then, or a gap in <c>seq</c>, are asked for again (docs/delivery.md).
    /// </summary>
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a loss is seen on this edge (a seq gap, a session that could not be reached), how long
    /// the edge keeps asking quiet sessions what they published. Outside such a window a quiet
    /// session is taken to be late, not lost: asking every one of them on a busy edge, and having
    /// them send again what was merely queued, collapsed throughput under load (docs/benchmarks.md).
    /// </summary>
    public TimeSpan AuditAfterDisruption { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A client's call unanswered for this long makes the edge ask its session, with the same
    /// deadline, whether it is still there: the session's silo may have died, or the gateway the
    /// call went through. An answer that the session is gone rebuilds it at once, and the stuck
    /// call is abandoned, instead of waiting for <c>Orleans:CallTimeout</c> (docs/resilience.md).
    /// A slow answer decides nothing, so on a busy cluster this only adds one small call per
    /// stuck session per period.
    /// </summary>
    public TimeSpan ProbeAfter { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the edge keeps trying to rebuild a session whose silo died before it tells the client <c>internal</c>.</summary>
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The audio since the last final the client received, kept per session by an edge in a cluster
    /// (not in the single-process gateway, which has no separate silo to lose), so that a session
    /// whose silo crashed is rebuilt without losing a word. Same cost as the session's own replay
    /// buffer: 32 KB per second at 16 kHz, freed at each final.
    /// </summary>
    public TimeSpan RecoveryWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>That copy's cap in bytes whatever the sample rate.</summary>
    public int RecoveryMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most those copies keep together on one edge, like <c>Stt:Session:ReplayBudgetBytes</c> on a
    /// silo: past it, a session that sends audio gives up its copy's oldest first, and a session
    /// rebuilt after its silo died then lacks the start of its longest utterances.
    /// </summary>
    public long RecoveryBudgetBytes { get; set; } = 256L * 1024 * 1024;
}
