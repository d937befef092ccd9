using System.Text;
using System.Text.Json;
using OrleansStt.CommandLine;
using OrleansStt.LoadTest;

const int exitUsage = 64;
Console.OutputEncoding = Encoding.UTF8;
LoadTestOptions? options;
try
{
    options = LoadTestOptions.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"loadtest: {e.Message}\n\n{LoadTestOptions.Usage}");
    return exitUsage;
}

if (options is null)
{
    Console.WriteLine(LoadTestOptions.Usage);
    return 0;
}

var report = await LoadRun.RunAsync(options);
Console.Write(SummaryText.Format(report));
if (options.ReportJson is { } jsonPath)
{
    await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, ReportJsonContext.Default.LoadReport));
}

if (options.ReportMarkdown is { } markdownPath)
{
    await File.WriteAllTextAsync(markdownPath, MarkdownReport.Format(report));
}

return report.Problems.Count == 0 ? 0 : 1;
