using OrleansStt.InferenceSim;

namespace OrleansStt.EdgeHost.Embedded;

/// <summary>In-process GPU server simulators, owned by the host so they stop with it.</summary>
public sealed class SimulatedFleet(IReadOnlyList<SimulatorServer> servers, SimulatorMode mode, int capacity, bool sphinxMissing) : IAsyncDisposable
{
    public IReadOnlyList<SimulatorServer> Servers => servers;

    public SimulatorMode Mode => mode;

    /// <summary>Streams per server.</summary>
    public int Capacity => capacity;

    public static async Task<SimulatedFleet> StartAsync(SimulatedFleetOptions options)
    {
        if (options.Count < 1)
        {
            throw new InvalidOperationException($"{SimulatedFleetOptions.Section}:Count must be at least 1 (got {options.Count}).");
        }

        var sphinxInstalled = new SimulatorOptions().SphinxInstalled;
        var mode = options.ModeFor(sphinxInstalled);
        var capacity = options.CapacityFor(mode, Environment.ProcessorCount);
        var servers = new List<SimulatorServer>();
        for (var i = 0; i < options.Count; i++)
        {
            servers.Add(await SimulatorServer.StartAsync(new SimulatorOptions
            {
                Mode = mode,
                Capacity = capacity,
                ProcessingDelayMs = options.ProcessingDelayMs,
            }));
        }

        return new SimulatedFleet(servers, mode, capacity, sphinxMissing: options.Mode is null && !sphinxInstalled);
    }

    /// <summary>What a newcomer should know about the words they will see.</summary>
    public string Describe() => mode switch
    {
        SimulatorMode.Sphinx => $"PocketSphinx, a real CPU recognizer (US English, {new SimulatorOptions().SphinxModel}); translations are simulated",
        SimulatorMode.Speech => "simulated: words made from the audio's loudness and pitch, not recognized speech"
            + (sphinxMissing ? " (apt-get install libpocketsphinx3 pocketsphinx-en-us for the real recognizer)" : ""),
        _ => "echo: one partial per audio frame carrying its position (for benchmarks)",
    };

    /// <summary>The fleet as <c>Stt:Backends</c> entries, exactly as an operator would configure real servers.</summary>
    public IEnumerable<KeyValuePair<string, string?>> AsBackendConfiguration() =>
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
