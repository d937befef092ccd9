using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>
/// What the fuzzer saw: every input counted once under its family and observed outcome, and every
/// answer docs/protocol.md does not document, with the input that drew it.
/// </summary>
public sealed class FuzzReport
{
    /// <summary>Prefix of an outcome that docs/protocol.md does not document for its input.</summary>
    public const string Undocumented = "UNDOCUMENTED: ";

    private readonly ConcurrentDictionary<(string Family, string Outcome), int> _counts = new();
    private readonly ConcurrentDictionary<(string Family, string Observed, string Documented), ConcurrentQueue<(string Input, string Shape)>> _discrepancies = new();
    private readonly ConcurrentQueue<string> _afterChecks = new();

    public int Total => _counts.Values.Sum();

    /// <summary>Inputs with an undocumented answer, plus failed checks after the fuzzing.</summary>
    public int DiscrepancyCount => _discrepancies.Values.Sum(q => q.Count) + _afterChecks.Count;

    /// <summary>One input whose answer is the documented one.</summary>
    public void Documented(string family, string outcome) =>
        _counts.AddOrUpdate((family, outcome), 1, static (_, n) => n + 1);

    /// <summary>
    /// One input whose answer docs/protocol.md does not give for it: <paramref name="observed"/> and
    /// <paramref name="documented"/> are short labels (inputs are grouped by them), <paramref name="detail"/> the specifics.
    /// </summary>
    public void Discrepancy(string family, string input, string shape, string observed, string documented, string? detail = null)
    {
        _counts.AddOrUpdate((family, Undocumented + observed), 1, static (_, n) => n + 1);
        _discrepancies.GetOrAdd((family, observed, documented), static _ => new ConcurrentQueue<(string, string)>())
            .Enqueue((detail is null ? input : $"{input}  →  {(detail.Length > 300 ? detail[..300] + "…" : detail)}", shape));
    }

    /// <summary>A failed check that is not about one input (the gateway's health, leaks, a session's seq).</summary>
    public void CheckFailed(string check, string detail) => _afterChecks.Enqueue($"{check}: {detail}");

    /// <summary>Every discrepancy, grouped by family, observed and documented answer, with examples: one of each shape, at least <paramref name="examples"/>.</summary>
    public string DiscrepancySummary(int examples = 4)
    {
        var summary = new StringBuilder();
        foreach (var ((family, observed, documented), inputs) in _discrepancies.OrderBy(d => d.Key.Family, StringComparer.Ordinal).ThenByDescending(d => d.Value.Count))
        {
            var shapes = string.Join(", ", inputs.GroupBy(i => i.Shape).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}"));
            summary.AppendLine(CultureInfo.InvariantCulture, $"[{family}] {inputs.Count} input(s): {shapes}\n    observed:   {observed}\n    documented: {documented}");
            // One example of each shape first, then more of the commonest.
            var shown = inputs.GroupBy(i => i.Shape).Select(g => g.First()).Take(2 * examples).ToList();
            shown.AddRange(inputs.Except(shown).Take(Math.Max(0, examples - shown.Count)));
            foreach (var (input, _) in shown)
            {
                summary.AppendLine(CultureInfo.InvariantCulture, $"    e.g. {input}");
            }
        }

        foreach (var check in _afterChecks)
        {
            summary.AppendLine(CultureInfo.InvariantCulture, $"[check] {check}");
        }

        return summary.ToString();
    }

    public string Table()
    {
        var rows = _counts
            .OrderBy(r => r.Key.Family, StringComparer.Ordinal)
            .ThenByDescending(r => r.Value)
            .ThenBy(r => r.Key.Outcome, StringComparer.Ordinal)
            .ToList();
        var familyWidth = Math.Max("family".Length, rows.Select(r => r.Key.Family.Length).DefaultIfEmpty(0).Max());
        var outcomeWidth = Math.Max("outcome".Length, rows.Select(r => r.Key.Outcome.Length).DefaultIfEmpty(0).Max());
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{"family".PadRight(familyWidth)} | {"outcome".PadRight(outcomeWidth)} | count");
        table.AppendLine(CultureInfo.InvariantCulture, $"{new string('-', familyWidth)}-+-{new string('-', outcomeWidth)}-+------");
        foreach (var ((family, outcome), count) in rows)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"{family.PadRight(familyWidth)} | {outcome.PadRight(outcomeWidth)} | {count,5}");
        }

        foreach (var family in rows.GroupBy(r => r.Key.Family))
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"{family.Key}: {family.Sum(r => r.Value)} inputs");
        }

        table.AppendLine(CultureInfo.InvariantCulture, $"total: {Total} inputs");
        return table.ToString();
    }

    /// <summary>An input as printable ASCII: control, non-ASCII and long inputs shortened and escaped.</summary>
    public static string Show(ReadOnlySpan<byte> bytes, int max = 160)
    {
        var shown = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, max)])
        {
            shown.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        if (bytes.Length > max)
        {
            shown.Append(CultureInfo.InvariantCulture, $"… ({bytes.Length} bytes)");
        }

        return shown.ToString();
    }

    public static string Show(string text, int max = 160) => Show(Encoding.UTF8.GetBytes(text), max);
}
