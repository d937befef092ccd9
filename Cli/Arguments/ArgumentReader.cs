using System.Globalization;

namespace OrleansStt.CommandLine;

/// <summary>
/// <c>--name value</c>, <c>--name=value</c> and bare <c>--flag</c> options. Reading an option marks
/// it known, so <see cref="EnsureAllRead"/> can reject typos once every option has been asked for.
/// Shared by the <c>stt</c> CLI and the load generator.
/// </summary>
public sealed class ArgumentReader
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ArgumentReader(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
            {
                throw new UsageException($"Unexpected argument '{args[i]}'.");
            }

            var name = args[i][2..];
            string? value = null;
            if (name.IndexOf('=') is var equals and >= 0)
            {
                (name, value) = (name[..equals], name[(equals + 1)..]);
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            if (!_values.TryAdd(name, value))
            {
                throw new UsageException($"--{name} given twice.");
            }
        }
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var value))
        {
            return false;
        }

        return value is null ? true : throw new UsageException($"--{name} takes no value.");
    }

    public string? String(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var value))
        {
            return null;
        }

        return value ?? throw new UsageException($"--{name} needs a value.");
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int? Int(string name) => Parse<int>(name, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null);

    public int Int(string name, int fallback) => Int(name) ?? fallback;

    public double? Double(string name) =>
        Parse<double>(name, s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : (double?)null);

    public double Double(string name, double fallback) => Double(name) ?? fallback;

    /// <summary>A comma-separated list; empty when absent.</summary>
    public IReadOnlyList<string> List(string name) =>
        String(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    public Uri Uri(string name, string fallback) => ParseUri(name, String(name, fallback));

    /// <summary>A comma-separated list of ws:// or wss:// URLs; just <paramref name="fallback"/> when absent.</summary>
    public IReadOnlyList<Uri> Uris(string name, string fallback)
    {
        var texts = List(name);
        return (texts.Count == 0 ? [fallback] : texts).Select(text => ParseUri(name, text)).ToList();
    }

    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).Select(k => $"--{k}").ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option(s): {string.Join(", ", unknown)}.");
        }
    }

    private static Uri ParseUri(string name, string text) =>
        System.Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss"
            ? uri
            : throw new UsageException($"--{name} must be a ws:// or wss:// URL, got '{text}'.");

    private T? Parse<T>(string name, Func<string, T?> parse) where T : struct
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        return parse(text) ?? throw new UsageException($"--{name}: '{text}' is not a valid {typeof(T).Name.ToLowerInvariant()}.");
    }
}
