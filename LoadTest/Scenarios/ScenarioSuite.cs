namespace OrleansStt.LoadTest;

/// <summary>
/// --scenario: runs the chosen scenarios one after another, each on a fresh topology, prints each
/// load run's summary and then one table, and writes the Markdown report.
/// </summary>
internal static class ScenarioSuite
{
    /// <returns>The exit code: 1 when a session was lost, a removal failed or a topology did not come up.</returns>
    public static async Task<int> RunAsync(LoadTestOptions options)
    {
        ScenarioKind.TryParseList(options.Scenario!, out var kinds);
        string repo;
        try
        {
            repo = RepoRoot.Find(options.Repo);
            foreach (var project in new[] { "InferenceSim", "Silo", "EdgeHost" })
            {
                RepoRoot.ReleaseDll(repo, project);
            }
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"loadtest: {e.Message}");
            return 1;
        }

        var logsRoot = options.LogsDir is { } given
            ? Directory.CreateDirectory(given).FullName
            : Directory.CreateTempSubdirectory("orleansstt-scenarios-").FullName;
        Console.WriteLine($"scenario logs: {logsRoot}");

        var results = new List<ScenarioResult>();
        foreach (var kind in kinds)
        {
            var result = await ScenarioRun.RunAsync(kind, options, repo, logsRoot);
            results.Add(result);
            Console.WriteLine($"=== {kind.Name}: {kind.Removal}");
            if (result.Report is { } report)
            {
                Console.Write(SummaryText.Format(report));
            }

            foreach (var lost in result.Lost.Take(10))
            {
                Console.WriteLine($"lost         {string.Join(", ", lost.LossReasons(true))}: {lost.Describe()}");
            }

            if (!result.Passed)
            {
                foreach (var line in result.LogLines)
                {
                    Console.WriteLine($"log          {line}");
                }
            }
        }

        Console.WriteLine();
        Console.Write(ScenarioReport.Table(results));
        if (options.ReportMarkdown is { } path)
        {
            await File.WriteAllTextAsync(path, ScenarioReport.Format(results, options, logsRoot));
            Console.WriteLine($"report: {path}");
        }

        var failedRemovals = results.Count(r => r.Report?.Kill is { Error: not null });
        return results.All(r => r.Passed) && failedRemovals == 0 ? 0 : 1;
    }
}
