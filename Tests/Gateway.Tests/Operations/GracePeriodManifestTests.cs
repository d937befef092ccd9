using System.Globalization;
using Microsoft.Extensions.Hosting;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Gateway.Tests.Infrastructure;
using static OrleansStt.Gateway.Tests.Infrastructure.RenderedManifests;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>Grace periods (deploy/k8s) that outlast what a stopping edge or silo does before it exits.</summary>
public sealed class GracePeriodManifestTests
{
    public static TheoryData<string> Dirs => Kustomizations;

    [Theory]
    [MemberData(nameof(Dirs))]
    public void Edges_outlast_their_drain_and_close_and_silos_their_handover(string dir)
    {
        var docs = Of(dir);
        var edge = Deployment(docs, "edge");
        var edgeEnv = Env(docs, edge, "edge");
        var (edgeGrace, preStop) = (GracePeriod(edge), PreStopSleep(edge, "edge"));
        var defaults = new EdgeOptions();
        var drain = Duration(edgeEnv, "Stt__Edge__DrainTimeout", defaults.DrainTimeout);
        var close = Duration(edgeEnv, "Stt__Edge__CloseTimeout", defaults.CloseTimeout);
        Assert.True(preStop > TimeSpan.Zero, $"{dir}: the edge needs a preStop sleep, so it leaves the Service before it drains");
        Assert.True(
            edgeGrace > preStop + drain + close,
            $"{dir}: edge terminationGracePeriodSeconds {edgeGrace.TotalSeconds} s must exceed preStop {preStop.TotalSeconds} s + Stt:Edge:DrainTimeout {drain.TotalSeconds} s + Stt:Edge:CloseTimeout {close.TotalSeconds} s");

        // A stopping silo hands its sessions over within the host's shutdown timeout; a SIGKILL
        // before that turns the handover into a crash.
        var silo = Deployment(docs, "silo");
        var siloGrace = GracePeriod(silo);
        var hostStop = new HostOptions().ShutdownTimeout;
        Assert.True(
            siloGrace > hostStop + PreStopSleep(silo, "silo"),
            $"{dir}: silo terminationGracePeriodSeconds {siloGrace.TotalSeconds} s must exceed the .NET host's ShutdownTimeout {hostStop.TotalSeconds} s");
    }

    private static TimeSpan Duration(Dictionary<string, string> env, string key, TimeSpan fallback) =>
        env.GetValueOrDefault(key) is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
