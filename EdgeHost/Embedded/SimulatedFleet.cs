using OrleansStt.InferenceSim;

namespace OrleansStt.EdgeHost.Embedded;

/// <summary>In-process GPU server simulators, owned by the host so they stop with it.</summary>
public sealed class SimulatedFleet(IReadOnlyList<SimulatorServer> servers) : IAsyncDisposable
{
    public IReadOnlyList<SimulatorServer> Servers => servers;

    public static async Task<SimulatedFleet> StartAsync(SimulatedFleetOptions options)
    {
        if (options.Count < 1)
        {
            throw new InvalidOperationException($"{SimulatedFleetOptions.Section}:Count must be at least 1 (got {options.Count}).");
        }

        var servers = new List<SimulatorServer>();
        for (var i = 0; i < options.Count; i++)
        {
            servers.Add(await SimulatorServer.StartAsync(new SimulatorOptions
            {
                Mode = options.Mode,
                Capacity = options.Capacity,
                ProcessingDelayMs = options.ProcessingDelayMs,
            }));
        }

        return new SimulatedFleet(servers);
    }

    /// <summary>The fleet as <c>Stt:Backends</c> entries, exactly as an operator would configure real servers.</summary>
    public IEnumerable<KeyValuePair<string, string?>> AsBackendConfiguration(int capacity) =>
        servers.SelectMany((server, i) => new KeyValuePair<string, string?>[]
        {
            new($"Stt:Backends:{i}:Id", $"sim-{i + 1}"),
            new($"Stt:Backends:{i}:Url", server.StreamUri.ToString()),
            new($"Stt:Backends:{i}:Capacity", capacity.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        });

    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }
    }
}
