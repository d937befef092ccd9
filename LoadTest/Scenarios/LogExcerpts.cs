namespace OrleansStt.LoadTest;

/// <summary>
/// The lines of the processes' logs a reader of a scenario report needs first: warnings and failures
/// (the console logger's "warn:", "fail:" and "crit:" headers, with the message line after each) and
/// any line naming a lost session. Bounded per log, with a count of what was left out.
/// </summary>
internal static class LogExcerpts
{
    private const int MaxEntriesPerLog = 8;
    private static readonly string[] Levels = ["warn:", "fail:", "crit:"];

    public static IReadOnlyList<string> Collect(IEnumerable<ChildProcess> processes, IReadOnlyCollection<string> lostSessionIds)
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

            var entries = new List<string>();
            for (var i = 0; i < lines.Length; i++)
            {
                var isLevel = Levels.Any(level => lines[i].Contains(level, StringComparison.Ordinal));
                if (!isLevel && !lostSessionIds.Any(id => lines[i].Contains(id, StringComparison.Ordinal)))
                {
                    continue;
                }

                // The console logger puts the message on the line after the level header.
                var message = isLevel && i + 1 < lines.Length ? " | " + lines[i + 1].Trim() : "";
                entries.Add($"{process.Name}: {lines[i].Trim()}{message}");
            }

            excerpts.AddRange(entries.Take(MaxEntriesPerLog));
            if (entries.Count > MaxEntriesPerLog)
            {
                excerpts.Add($"{process.Name}: … {entries.Count - MaxEntriesPerLog} more (see {process.LogPath})");
            }
        }

        return excerpts;
    }
}
