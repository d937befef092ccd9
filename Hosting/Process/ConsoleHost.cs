using Microsoft.Extensions.Options;

namespace OrleansStt.Hosting.Process;

public static class ConsoleHost
{
    /// <summary>Runs a process's host; bad configuration ends it with the reason and exit code 1, not a crash dump.</summary>
    public static async Task<int> RunAsync(Func<Task> run)
    {
        SocketScheduling.PreferInlineCompletions();
        try
        {
            await run();
            return 0;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            // InvalidOperationException is what the configuration binder throws for a value of the wrong type.
            await Console.Error.WriteLineAsync($"OrleansStt did not start: {ex.Message}");
            return 1;
        }
    }
}
