using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;
using Orleans.Runtime;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Gateway.Tests.Cluster;

public sealed class LeaseExpiryTests
{
    [Fact]
    public async Task Sessions_on_a_killed_silo_are_rebuilt_by_their_edge_and_no_lease_is_left_behind()
    {
        await using var cluster = await RedisTestCluster.StartAsync(new Dictionary<string, string?>
        {
            ["Stt:Pool:LeaseTtl"] = "00:00:03",
            ["Orleans:Membership:ProbeTimeout"] = "00:00:01",
            ["Orleans:Membership:NumMissedProbesLimit"] = "2",
            ["Orleans:Membership:NumVotesForDeathDeclaration"] = "1",
        });
        var survivingSilo = await cluster.StartSiloAsync();
        var doomed = cluster.StartSiloProcess();
        await using var edge = await cluster.StartEdgeAsync();
        var management = edge.Cluster.GetGrain<IManagementGrain>(0);
        Assert.Equal(2, await Eventually.Equal(2, async () => (await management.GetHosts(onlyActive: true)).Count, TimeSpan.FromSeconds(30)));

        // Open sessions until some live on the silo that will die (placement is the cluster's choice).
        var sessions = new List<OpenSession>();
        Dictionary<string, bool?> onDoomed;
        do
        {
            var session = await SttSession.ConnectAsync(new(edge.ListenUri));
            var reader = Conversation.Reader(session, TimeSpan.FromMinutes(2));
            sessions.Add(new OpenSession(session, reader, await Conversation.ReadUntilAsync(reader, m => m is SessionMessage)));
            onDoomed = await OnOtherSiloAsync(management, survivingSilo, sessions);
        }
        while (sessions.Count < 40 && (onDoomed.Values.Count(v => v == true) < 2 || onDoomed.Values.Count(v => v == false) < 2));

        // Every session placed before anything is killed: one the statistics miss cannot be classified.
        Assert.Equal(0, await Eventually.Equal(0, async () => (onDoomed = await OnOtherSiloAsync(management, survivingSilo, sessions)).Values.Count(v => v is null)));
        var lost = sessions.Where(s => onDoomed[Id(s)] == true).ToList();
        Assert.NotEmpty(lost);
        Assert.Equal(sessions.Count, (await edge.Cluster.GetGrain<IBackendPoolGrain>("gpu-1").GetState()).Active);

        doomed.Kill();

        // The edge rebuilds the dead silo's sessions on the survivor from what it holds (PROTOCOL
        // §1.3: silo loss is invisible but for latency and a notice): every client gets its final.
        await Task.WhenAll(sessions.Select(async session =>
        {
            await Conversation.StreamAsync(session.Session, Pcm.Tone(500, 200));
            var messages = await session.CloseAsync();
            Conversation.AssertGaplessSeq(messages);
            Assert.DoesNotContain(messages, m => m is ErrorMessage);
            Assert.True(messages.OfType<TranscriptMessage>().Where(t => t.IsFinal).Select(t => t.Text).SequenceEqual(["five"]),
                string.Join(" | ", messages.Select(m => m.RawJson)));
        }));

        // The dead silo's leases expired or were released by the rebuilt sessions: none is left.
        Assert.Equal(0, await Eventually.Equal(0, () => edge.ActiveLeasesAsync(["gpu-1"])));
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }
    }

    private static string Id(OpenSession session) => ((SessionMessage)session.Seen[0]).SessionId;

    /// <summary>For each session id, whether its grain lives anywhere but <paramref name="silo"/>; null while the cluster does not say.</summary>
    private static async Task<Dictionary<string, bool?>> OnOtherSiloAsync(IManagementGrain management, SiloAddress silo, IEnumerable<OpenSession> sessions)
    {
        var where = (await management.GetDetailedGrainStatistics())
            .GroupBy(s => s.GrainId.Key.ToString()!)
            .ToDictionary(g => g.Key, g => g.First().SiloAddress);
        return sessions.ToDictionary(Id, s => where.TryGetValue(Id(s), out var at) ? !at.Equals(silo) : (bool?)null);
    }
}
