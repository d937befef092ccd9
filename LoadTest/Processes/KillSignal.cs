namespace OrleansStt.LoadTest;

/// <summary>How <see cref="KillSwitch"/> removes its process.</summary>
internal enum KillSignal
{
    /// <summary>SIGKILL: no drain, no goodbye, as a machine that dies.</summary>
    Kill,

    /// <summary>SIGTERM: the process shuts down gracefully (an edge drains, a silo hands its grains over), as in a rolling update.</summary>
    Term,
}
