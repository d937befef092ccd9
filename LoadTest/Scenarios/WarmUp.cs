using System.Diagnostics;
using System.Net.WebSockets;
using OrleansStt.Client;

namespace OrleansStt.LoadTest;

/// <summary>
/// Rounds of short probe sessions through every edge until one round all ends with <c>closed</c>:
/// a cluster that just formed still moves its stream queues between silos and compiles its code,
/// and a scenario measures failover, not a cold start. Bounded; a cluster that never carries a
/// session fails the scenario with what the probes saw.
/// </summary>
internal static class WarmUp
{
    private const int ProbesPerEdge = 8;
    private const int ProbeFrames = 10;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <returns>How many rounds it took.</returns>
    /// <exception cref="InvalidOperationException">No round succeeded within <paramref name="timeout"/>.</exception>
    public static async Task<int> RunAsync(IReadOnlyList<Uri> edges, int frameBytes, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var frame = new byte[frameBytes];
        for (var round = 1; ; round++)
        {
            var probes = edges.SelectMany(edge => Enumerable.Range(0, ProbesPerEdge).Select(_ => ProbeAsync(edge, frame))).ToList();
            var failures = (await Task.WhenAll(probes)).OfType<string>().ToList();
            if (failures.Count == 0)
            {
                return round;
            }

            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                throw new InvalidOperationException(
                    $"no round of probe sessions all ended with closed within {timeout.TotalSeconds:0} s ({round} rounds); the last round: {string.Join("; ", failures.Distinct())}");
            }

            Console.Error.WriteLine($"   warm-up round {round}: {failures.Count} of {probes.Count} probes failed ({failures[0]}); again");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <returns>Null when the probe ended with closed, else what went wrong.</returns>
    private static async Task<string?> ProbeAsync(Uri edge, byte[] frame)
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        try
        {
            await using var session = await SttSession.ConnectAsync(new SttConnectOptions(edge) { Resume = SttResumeOptions.Disabled }, timeout.Token);
            for (var i = 0; i < ProbeFrames; i++)
            {
                await session.SendAudioAsync(frame, timeout.Token);
            }

            await session.SendCloseStreamAsync(timeout.Token);
            await foreach (var message in session.ReadAllAsync(timeout.Token))
            {
                switch (message)
                {
                    case ClosedMessage:
                        return null;
                    case ErrorMessage error:
                        return $"{edge.Port}: error {error.Code}";
                }
            }

            return $"{edge.Port}: socket closed without closed";
        }
        catch (OperationCanceledException)
        {
            return $"{edge.Port}: no closed within {ProbeTimeout.TotalSeconds:0} s";
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or SttRejectedException or SttProtocolException)
        {
            return $"{edge.Port}: {e.Message}";
        }
    }
}
