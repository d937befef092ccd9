using System.Diagnostics;

namespace OrleansStt.LoadTest;

/// <summary>
/// Opens the sessions spread over the ramp, lets them stream until the window ends, waits for them
/// to close, and builds the report. A global deadline bounds the whole run.
/// </summary>
internal static class LoadRun
{
    /// <param name="metrics">Given by a caller that reads more of them than the report holds (a scenario's session outcomes).</param>
    public static async Task<LoadReport> RunAsync(LoadTestOptions options, RunMetrics? metrics = null)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var origin = Stopwatch.GetTimestamp();
        var window = MeasureWindow.After(origin, options.Ramp, options.Settle, options.Duration);
        metrics ??= new RunMetrics();
        using var deadline = new CancellationTokenSource(options.GlobalDeadline);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);

        var frames = new FrameSource(options.Audio, options.FrameBytes, LoadTestOptions.SampleRate);
        var pacers = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(_ => new Pacer(frames, options.FrameInterval, window, metrics)).ToArray();
        var pacing = pacers.Select(p => p.RunAsync(stop.Token)).ToList();
        var progress = new ProgressReporter(metrics, window, origin, options.Sessions).RunAsync(stop.Token);
        var sampling = new ProcessSampler(options.Pids).RunAsync(window, deadline.Token);
        var kill = options is { KillPid: { } pid, KillAtSeconds: { } at }
            ? new KillSwitch(pid, TimeSpan.FromSeconds(at), options.KillSignal, metrics.Continuity.Removed).RunAsync(origin, stop.Token)
            : null;

        var sessions = new List<Task>(options.Sessions);
        try
        {
            for (var i = 0; i < options.Sessions; i++)
            {
                var startAt = origin + MeasureWindow.Ticks(options.Ramp * i / options.Sessions);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), startAt);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, deadline.Token);
                }

                var session = new LoadSession(i, options.ConnectOptionsFor(i), options, metrics, window, deadline.Token);
                sessions.Add(session.RunAsync(pacers[i % pacers.Length]));
            }
        }
        catch (OperationCanceledException)
        {
            // Deadline during the ramp: the sessions already started still finish below.
        }

        // Sessions end by themselves (close timeout) or at the deadline; RunAsync never throws.
        await Task.WhenAll(sessions);
        var deadlineHit = deadline.IsCancellationRequested;
        await stop.CancelAsync();
        await Task.WhenAll([.. pacing, progress]);
        var processes = await sampling;
        return LoadReport.From(options, metrics, window, startedAt, deadlineHit, processes, kill is null ? null : await kill);
    }
}
