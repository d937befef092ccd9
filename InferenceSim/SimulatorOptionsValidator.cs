using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OrleansStt.InferenceSim;

internal sealed partial class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    private const string Prefix = SimulatorOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"{Prefix}{nameof(options.Mode)} must be Echo, Speech or Sphinx (got {options.Mode}).");
        }
        else if (options.Mode == SimulatorMode.Sphinx)
        {
            if (!Sphinx.SphinxDecoder.ModelInstalled(options.SphinxModel))
            {
                failures.Add($"{Prefix}{nameof(options.SphinxModel)}: no PocketSphinx model at '{options.SphinxModel}' (apt-get install pocketsphinx-en-us).");
            }

            if (!Sphinx.SphinxDecoder.LibrariesInstalled())
            {
                failures.Add($"{Prefix}{nameof(options.Mode)}: Sphinx needs PocketSphinx's libraries, which do not load (apt-get install libpocketsphinx3).");
            }
        }

        if (options.Capacity is { } capacity)
        {
            CheckRange(failures, nameof(options.Capacity), capacity, 1, int.MaxValue);
        }

        CheckRange(failures, nameof(options.ProcessingDelayMs), options.ProcessingDelayMs, 0, 60_000);
        var windowValid = CheckRange(failures, nameof(options.WindowMs), options.WindowMs, 1, 1_000);
        CheckRange(failures, nameof(options.VoicedRms), options.VoicedRms, 1, short.MaxValue);
        if (CheckRange(failures, nameof(options.WordMs), options.WordMs, 1, 10_000) && windowValid)
        {
            CheckMultipleOfWindow(failures, nameof(options.WordMs), options.WordMs, options.WindowMs);
        }

        if (CheckRange(failures, nameof(options.SilenceToFinalMs), options.SilenceToFinalMs, 1, 60_000) && windowValid)
        {
            CheckMultipleOfWindow(failures, nameof(options.SilenceToFinalMs), options.SilenceToFinalMs, options.WindowMs);
        }

        CheckLanguageTags(failures, nameof(options.Languages), options.Languages);
        CheckLanguageTags(failures, nameof(options.TranslationLanguages), options.TranslationLanguages);

        var faults = options.Faults;
        CheckRange(failures, $"{nameof(options.Faults)}:{nameof(faults.SlowMs)}", faults.SlowMs, 0, int.MaxValue);
        if (faults.Capacity is { } faultCapacity)
        {
            CheckRange(failures, $"{nameof(options.Faults)}:{nameof(faults.Capacity)}", faultCapacity, 1, int.MaxValue);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool CheckRange(List<string> failures, string key, int value, int min, int max)
    {
        if (value >= min && value <= max)
        {
            return true;
        }

        failures.Add(max == int.MaxValue
            ? $"{Prefix}{key} must be at least {min} (got {value})."
            : $"{Prefix}{key} must be between {min} and {max} (got {value}).");
        return false;
    }

    // The shape of a tag only (a language, then subtags), not the registry: enough to catch a typo or a list
    // given as one comma-separated string, which would otherwise refuse every start.
    private static void CheckLanguageTags(List<string> failures, string key, IList<string> tags)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i] is not { } tag || !LanguageTag().IsMatch(tag))
            {
                failures.Add($"{Prefix}{key}:{i} must be a BCP 47 language tag such as en or pt-BR (got '{tags[i]}').");
            }
        }
    }

    // \z, not $: $ also matches before a final newline, which would let "en\n" through.
    [GeneratedRegex(@"\A[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*\z")]
    private static partial Regex LanguageTag();

    // Words and silence are counted in whole analysis windows.
    private static void CheckMultipleOfWindow(List<string> failures, string key, int value, int windowMs)
    {
        if (value % windowMs != 0)
        {
            failures.Add($"{Prefix}{key} ({value}) must be a multiple of {Prefix}WindowMs ({windowMs}).");
        }
    }
}
