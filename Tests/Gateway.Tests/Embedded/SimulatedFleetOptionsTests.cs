using OrleansStt.EdgeHost.Embedded;
using OrleansStt.InferenceSim;

namespace OrleansStt.Gateway.Tests.Embedded;

/// <summary>What the single-process gateway runs when nobody configured GPU servers.</summary>
public sealed class SimulatedFleetOptionsTests
{
    [Fact]
    public void The_real_recognizer_when_it_is_installed_else_the_speech_simulation_and_a_chosen_mode_always()
    {
        Assert.Equal(SimulatorMode.Sphinx, new SimulatedFleetOptions().ModeFor(sphinxInstalled: true));
        Assert.Equal(SimulatorMode.Speech, new SimulatedFleetOptions().ModeFor(sphinxInstalled: false));
        Assert.Equal(SimulatorMode.Echo, new SimulatedFleetOptions { Mode = SimulatorMode.Echo }.ModeFor(sphinxInstalled: true));
    }

    [Theory]
    [InlineData(2, 2, 2)]   // the 2-core box: 4 real-time streams, shared by both servers
    [InlineData(8, 2, 8)]
    [InlineData(1, 4, 1)]   // never below one stream per server
    public void In_sphinx_mode_the_servers_share_two_streams_per_core(int cores, int count, int perServer)
    {
        Assert.Equal(perServer, new SimulatedFleetOptions { Count = count }.CapacityFor(SimulatorMode.Sphinx, cores));
    }

    [Fact]
    public void The_simulations_take_500_streams_each_and_a_configured_capacity_wins()
    {
        Assert.Equal(500, new SimulatedFleetOptions().CapacityFor(SimulatorMode.Speech, cores: 2));
        Assert.Equal(7, new SimulatedFleetOptions { Capacity = 7 }.CapacityFor(SimulatorMode.Sphinx, cores: 2));
    }
}
