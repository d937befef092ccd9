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
        Dictionary<string, bool> onDoomed;
        do
        {
            var session = await SttSession.ConnectAsync(new(edge.ListenUri));
            var reader = Conversation.Reader(session, TimeSpan.FromMinutes(2));
            sessions.Add(new OpenSession(session, reader, await Conversation.ReadUntilAsync(reader, m => m is SessionMessage)));
            onDoomed = await OnOtherSiloAsync(management, survivingSilo, sessions);
        }
        while (sessions.Count < 40 && (onDoomed.Values.Count(v => v) < 2 || onDoomed.Values.Count(v => !v) < 2));

        var survivors = sessions.Where(s => !onDoomed[Id(s)]).ToList();
        var lost = sessions.Where(s => onDoomed[Id(s)]).ToList();
        Assert.Equal(sessions.Count, (await edge.Cluster.GetGrain<IBackendPoolGrain>("gpu-1").GetStatus()).Active);

        doomed.Kill();

        // Survivors keep renewing; the dead silo's leases expire.
        Assert.Equal(survivors.Count, await Eventually.Equal(
            survivors.Count,
            async () => (await edge.Cluster.GetGrain<IBackendPoolGrain>("gpu-1").GetStatus()).Active,
            TimeSpan.FromSeconds(45)));

        await Task.WhenAll(lost.Select(async session =>
        {
            await Conversation.StreamAsync(session.Session, Pcm.Tone(500, 200));
            await session.ReadUntilAsync(m => m is ErrorMessage);
            Assert.Equal("internal", ((ErrorMessage)session.Seen[^1]).Code);
        }));

        foreach (var session in survivors)
        {
            await Conversation.StreamAsync(session.Session, Pcm.Tone(500, 200));
            Assert.Equal("five", (await session.CloseAsync()).OfType<TranscriptMessage>().Single(t => t.IsFinal).Text);
        }

        Assert.Equal(0, await Eventually.Equal(0, () => edge.ActiveLeasesAsync(["gpu-1"])));
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }
    }

    private static string Id(OpenSession session) => ((SessionMessage)session.Seen[0]).SessionId;

    /// <summary>For each session id, whether its grain lives anywhere but <paramref name="silo"/>.</summary>
    private static async Task<Dictionary<string, bool>> OnOtherSiloAsync(IManagementGrain management, SiloAddress silo, IEnumerable<OpenSession> sessions)
    {
        var where = (await management.GetDetailedGrainStatistics())
            .GroupBy(s => s.GrainId.Key.ToString()!)
            .ToDictionary(g => g.Key, g => g.First().SiloAddress);
        return sessions.ToDictionary(Id, s => where.TryGetValue(Id(s), out var at) && !at.Equals(silo));
    }
}
