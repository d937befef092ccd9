namespace OrleansStt.InferenceSim;

/// <summary>
/// What this server can take, from <see cref="SimulatorOptions"/>: advertised on <c>/health</c> and enforced on
/// <c>start</c> from the same instance, so a gateway that trusts the advertisement is never refused.
/// </summary>
internal sealed class SimulatorCapabilities
{
    /// <summary>The only audio the recognisers decode (16-bit little-endian mono).</summary>
    public const string Encoding = "pcm_s16le";

    private readonly HashSet<string>? languages;
    private readonly HashSet<string>? translationLanguages;

    public SimulatorCapabilities(SimulatorOptions options)
    {
        // Tags are compared case-insensitively, as BCP 47 says; the advertised lists keep the configured spelling.
        Languages = options.Languages.Count == 0 ? null : [.. options.Languages];
        TranslationLanguages = options.TranslationLanguages.Count == 0 ? null : [.. options.TranslationLanguages];
        languages = Languages is null ? null : new HashSet<string>(Languages, StringComparer.OrdinalIgnoreCase);
        translationLanguages = TranslationLanguages is null ? null : new HashSet<string>(TranslationLanguages, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<string> Encodings { get; } = [Encoding];

    /// <summary>Recognised languages; null when any is accepted.</summary>
    public IReadOnlyList<string>? Languages { get; }

    /// <summary>Translation targets; null when any is accepted.</summary>
    public IReadOnlyList<string>? TranslationLanguages { get; }

    /// <summary>A start without a language is refused once the list is set: the server cannot tell it can serve it.</summary>
    public bool AcceptsLanguage(string? language) => languages is null || (language is not null && languages.Contains(language));

    public bool AcceptsTranslation(string language) => translationLanguages is null || translationLanguages.Contains(language);
}
