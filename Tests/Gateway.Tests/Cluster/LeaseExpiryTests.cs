using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;
using Orleans.Runtime;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Gateway.Tests.Cluster;

public sealed class LeaseExpiryTests
{
    [Fact]
    public async Task Leases_of_sessions_on_a_killed_silo_come_back_and_their_clients_get_an_error()
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
        var survivors = sessions.Where(s => onDoomed[Id(s)] == false).ToList();
        var lost = sessions.Where(s => onDoomed[Id(s)] == true).ToList();
        Assert.NotEmpty(lost);
        Assert.Equal(sessions.Count, (await edge.Cluster.GetGrain<IBackendPoolGrain>("gpu-1").GetStatus()).Active);

        doomed.Kill();

        // The dead silo's sessions stop renewing and their leases expire (or, when the pool grain
        // died too, are never re-created); live sessions keep theirs by renewing. Orleans may
        // also retire activations on the surviving silo whose directory entries lived on the
        // dead one: those sessions end, tell their clients, and release too.
        var pool = edge.Cluster.GetGrain<IBackendPoolGrain>("gpu-1");
        Assert.Equal(0, await Eventually.Equal(0, async () =>
        {
            var alive = (await OnOtherSiloAsync(management, survivingSilo, survivors)).Values.Count(v => v == false);
            return (await pool.GetStatus()).Active - alive;
        }, TimeSpan.FromSeconds(45)));

        // Every client learns its session's fate: a final, or an error, never silence.
        await Task.WhenAll(sessions.Select(async session =>
        {
            await Conversation.StreamAsync(session.Session, Pcm.Tone(500, 200));
            var messages = await session.CloseAsync();
            if (lost.Contains(session) || messages.OfType<ErrorMessage>().Any())
            {
                Assert.Equal("internal", Assert.IsType<ErrorMessage>(messages.Last(m => m is not ClosedMessage)).Code);
            }
            else
            {
                Assert.Equal("five", messages.OfType<TranscriptMessage>().Single(t => t.IsFinal).Text);
            }
        }));

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
