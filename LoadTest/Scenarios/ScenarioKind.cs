namespace OrleansStt.LoadTest;

/// <summary>One failover scenario: which process goes, and how (SIGKILL: it dies; SIGTERM: it stops gracefully).</summary>
internal sealed record ScenarioKind(string Name, ScenarioTarget Target, KillSignal Signal)
{
    public const string AllName = "all";

    public static IReadOnlyList<ScenarioKind> All { get; } =
    [
        new("edge-kill", ScenarioTarget.Edge, KillSignal.Kill),
        new("edge-stop", ScenarioTarget.Edge, KillSignal.Term),
        new("silo-kill", ScenarioTarget.Silo, KillSignal.Kill),
        new("silo-stop", ScenarioTarget.Silo, KillSignal.Term),
    ];

    public static IEnumerable<string> Names => All.Select(kind => kind.Name);

    /// <summary>What the process removal looks like in a report: "SIGKILL edge 0".</summary>
    public string Removal => $"{(Signal == KillSignal.Kill ? "SIGKILL" : "SIGTERM")} {Target.ToString().ToLowerInvariant()} 0";

    /// <summary>One scenario by name, or every one for <see cref="AllName"/>.</summary>
    public static bool TryParseList(string name, out IReadOnlyList<ScenarioKind> kinds)
    {
        kinds = name == AllName ? All : All.Where(kind => kind.Name == name).ToList();
        return kinds.Count > 0;
    }
}
