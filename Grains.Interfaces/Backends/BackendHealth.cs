namespace OrleansStt.Grains.Interfaces.Backends;

[GenerateSerializer]
public enum BackendHealth
{
    /// <summary>Probes pass and sessions report no trouble: takes new sessions.</summary>
    Healthy,

    /// <summary>Probes pass but sessions reported trouble recently: still takes new sessions, last in line.</summary>
    Degraded,

    /// <summary>Probes fail or sessions keep failing on it: no new sessions until probes pass again.</summary>
    Unhealthy,

    /// <summary>An operator or the server itself asked for no new sessions; running ones carry on.</summary>
    Draining,
}
