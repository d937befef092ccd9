using Xunit.Abstractions;
using OrleansStt.Client;

namespace OrleansStt.Gateway.Tests.Resilience;

/// <summary>
/// PROTOCOL §1.3 end to end: 30 clients stream through two edges and two silos (real processes over
/// a real Redis) while one process is removed; every session must end as if nothing happened
/// (closed, no error, gapless seq, every frame accounted for by the echo server's final), with at
/// most <c>backend_switched</c>, <c>draining</c> and <c>resumed</c> notices along the way, and
/// nothing left behind.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class ResilienceTests(ITestOutputHelper output)
{
    private const int Sessions = 30;
    private const int Frames = 500;
    // Counted from the moment every session is open and streaming.
    private static readonly TimeSpan RemoveAfter = TimeSpan.FromSeconds(3);

    [Fact]
    public Task Sessions_survive_an_edge_killed_without_warning() =>
        RunAsync(topology => { topology.Edges[0].Kill(); return Task.CompletedTask; }, EveryClientOfEdge0Resumed);

    [Fact]
    public Task Sessions_survive_an_edge_stopped_for_a_rolling_update() =>
        RunAsync(topology => topology.Edges[0].TerminateAsync(TimeSpan.FromSeconds(30)), EveryClientOfEdge0Resumed);

    [Fact]
    public Task Sessions_survive_a_silo_killed_without_warning() =>
        RunAsync(topology => { topology.Silos[0].Kill(); return Task.CompletedTask; }, SomeSessionsMoved);

    [Fact]
    public Task Sessions_survive_a_silo_stopped_for_scale_in() =>
        RunAsync(topology => topology.Silos[0].TerminateAsync(TimeSpan.FromSeconds(60)), SomeSessionsMoved);

    [Fact]
    public async Task A_silo_that_joins_under_load_takes_new_sessions()
    {
        await using var topology = await SplitTopology.StartAsync(silos: 1);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // The first sessions stream for 20 s, through the new silo's start and the second sessions.
        var first = Enumerable.Range(0, Sessions).Select(_ => new StreamingClient()).ToList();
        var running = first.Select((client, i) => client.RunAsync(
            topology.Edges[i % 2].ListenUri, topology.Edges[(i + 1) % 2].ListenUri, Frames * 2, deadline.Token)).ToList();
        await Task.WhenAll(first.Select(c => c.Opened)).WaitAsync(TimeSpan.FromSeconds(60));
        var original = (await topology.SessionsPerSiloAsync()).Keys.Single();

        await topology.AddSiloAsync();
        // New clients keep arriving, as they would on a busy gateway: ten a second.
        var second = Enumerable.Range(0, Sessions).Select(_ => new StreamingClient()).ToList();
        foreach (var (client, i) in second.Select((c, i) => (c, i)))
        {
            running.Add(client.RunAsync(topology.Edges[i % 2].ListenUri, topology.Edges[(i + 1) % 2].ListenUri, Frames, deadline.Token));
            await Task.Delay(100);
        }

        await Task.WhenAll(second.Select(c => c.Opened)).WaitAsync(TimeSpan.FromSeconds(60));
        var placed = await topology.SessionsPerSiloAsync();
        output.WriteLine($"sessions per silo once the second {Sessions} opened: {string.Join(", ", placed.Select(p => $"{p.Key}{(p.Key == original ? " (original)" : " (joined)")}: {p.Value}"))}");
        await Task.WhenAll(running);

        var problems = first.Concat(second).Select((c, i) => (i, problem: c.Problem())).Where(p => p.problem is not null).ToList();
        Assert.True(problems.Count == 0,
            $"{problems.Count} of {2 * Sessions} sessions did not end normally:\n{string.Join("\n", problems.Select(p => $"#{p.i}: {p.problem}"))}\n{topology.Logs}");
        Assert.True(placed.Where(p => p.Key != original).Sum(p => p.Value) > 0, "The silo that joined took none of the new sessions.");
        await topology.AssertNothingLeakedAsync();
    }

    /// <summary>The removal hit the sessions: each client of the removed edge resumed on the other.</summary>
    private static void EveryClientOfEdge0Resumed(IReadOnlyList<StreamingClient> clients) =>
        Assert.All(clients.Where((_, i) => i % 2 == 0), c => Assert.True(c.Resumes >= 1, "A client of the removed edge never resumed."));

    /// <summary>The removal hit the sessions: those the removed silo held went on elsewhere on a new GPU stream.</summary>
    private static void SomeSessionsMoved(IReadOnlyList<StreamingClient> clients) =>
        Assert.Contains(clients, c => c.Messages.OfType<NoticeMessage>().Any(n => n.Code == "backend_switched"));

    private async Task RunAsync(Func<SplitTopology, Task> remove, Action<IReadOnlyList<StreamingClient>> assertHit)
    {
        await using var topology = await SplitTopology.StartAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var results = Enumerable.Range(0, Sessions).Select(_ => new StreamingClient()).ToList();
        var running = results.Select((client, i) => client.RunAsync(
            topology.Edges[i % 2].ListenUri, topology.Edges[(i + 1) % 2].ListenUri, Frames, deadline.Token)).ToList();
        await Task.WhenAll(results.Select(c => c.Opened)).WaitAsync(TimeSpan.FromSeconds(60));

        await Task.Delay(RemoveAfter);
        await remove(topology);
        await Task.WhenAll(running);

        foreach (var (client, i) in results.Select((c, i) => (c, i)))
        {
            output.WriteLine($"#{i} edge {i % 2}: session after {client.TimeToSession?.TotalMilliseconds:0} ms, {client.Messages.Count} messages, {client.Resumes} resumes, longest silence {client.LongestSilence.TotalMilliseconds:0} ms");
        }

        var problems = results.Select((c, i) => (i, problem: c.Problem())).Where(p => p.problem is not null).ToList();
        var silences = results.Select(c => c.LongestSilence.TotalMilliseconds).Order().ToList();
        output.WriteLine($"{Sessions - problems.Count} of {Sessions} sessions ended normally; resumes {results.Sum(c => c.Resumes)}; " +
            $"backend_switched {results.Sum(c => c.Messages.OfType<NoticeMessage>().Count(n => n.Code == "backend_switched"))}; " +
            $"longest silence per client p50 {silences[silences.Count / 2]:0} ms, max {silences[^1]:0} ms");
        Assert.True(problems.Count == 0,
            $"{problems.Count} of {Sessions} sessions did not end normally:\n{string.Join("\n", problems.Select(p => $"#{p.i}: {p.problem}"))}\n{topology.Logs}");

        assertHit(results);
        await topology.AssertNothingLeakedAsync();
    }
}

/// <summary>One scenario at a time: each runs five processes on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResilienceCollection
{
    public const string Name = "resilience";
}
