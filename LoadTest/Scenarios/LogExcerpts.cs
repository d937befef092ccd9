using System.Globalization;

namespace OrleansStt.LoadTest;

/// <summary>
/// The log entries a reader of a scenario report needs first, from the load run's start on: those
/// naming a lost session, then warnings and failures (the console logger's "warn:", "fail:" and
/// "crit:" headers, with the message line after each). Bounded per log, with a count of what was left out.
/// </summary>
internal static class LogExcerpts
{
    private const int MaxPerKind = 6;
    private static readonly string[] Levels = [" warn: ", " fail: ", " crit: "];

    /// <param name="from">Entries logged earlier (start-up noise) are skipped; the processes log UTC timestamps.</param>
    public static IReadOnlyList<string> Collect(IEnumerable<ChildProcess> processes, IReadOnlyCollection<string> lostSessionIds, DateTimeOffset from)
    {
        var excerpts = new List<string>();
        foreach (var process in processes)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(process.LogPath);
            }
            catch (IOException)
            {
                continue;
            }

            var (naming, warnings) = (new List<string>(), new List<string>());
            for (var i = 0; i + 1 < lines.Length; i++)
            {
                // A header: "2026-11-30T07:14:46.113Z info: Category[id]", the message on the next line.
                var header = lines[i];
                if (header.Length < 25 || header[24] != ' '
                    || !DateTimeOffset.TryParseExact(header[..24], "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    || at < from)
                {
                    continue;
                }

                var message = lines[i + 1].Trim();
                var entry = $"{process.Name}: {header.Trim()} | {message}";
                if (lostSessionIds.Any(id => message.Contains(id, StringComparison.Ordinal)))
                {
                    naming.Add(entry);
                }
                else if (Levels.Any(level => header.Contains(level, StringComparison.Ordinal)))
                {
                    warnings.Add(entry);
                }
            }

            Add(excerpts, process, naming, "naming lost sessions");
            Add(excerpts, process, warnings, "warnings and failures");
        }

        return excerpts;
    }

    /// <summary>The first and the last entries: how the trouble began and how it stood when the run ended.</summary>
    private static void Add(List<string> excerpts, ChildProcess process, List<string> entries, string kind)
    {
        if (entries.Count <= MaxPerKind)
        {
            excerpts.AddRange(entries);
            return;
        }

        excerpts.AddRange(entries.Take(MaxPerKind / 2));
        excerpts.Add($"{process.Name}: … {entries.Count - MaxPerKind} more entries {kind} (see {process.LogPath})");
        excerpts.AddRange(entries.TakeLast(MaxPerKind / 2));
    }
}
