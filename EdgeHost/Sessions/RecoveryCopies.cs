using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Delivery;
using OrleansStt.Grains.Sessions;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.EdgeHost.Sessions;

/// <summary>
/// The copies of audio an edge in a cluster keeps, one per session, to rebuild a session whose silo
/// died. They are bounded together by <c>Stt:Edge:RecoveryBudgetBytes</c>, as a silo's replay audio
/// is by its own budget. The single-process gateway keeps none: it has no separate silo to lose.
/// </summary>
public sealed class RecoveryCopies
{
    private readonly EdgeOptions _options;
    private readonly ReplayBudget? _budget;

    public RecoveryCopies(IOptions<EdgeOptions> options, EdgeIdentity edge, SttMetrics metrics)
    {
        _options = options.Value;
        if (edge.SessionsLiveElsewhere)
        {
            _budget = new ReplayBudget(_options.RecoveryBudgetBytes);
            metrics.ObserveReplay(
                "orleansstt.edge.recovery.bytes", "orleansstt.edge.recovery.shed", "Audio this edge keeps to rebuild sessions whose silo died (Stt:Edge:RecoveryBudgetBytes bounds it).", _budget);
        }
    }

    /// <summary>A new session's copy; none when sessions live in this process.</summary>
    public AudioReplayBuffer? For(int sampleRate) =>
        _budget is null ? null : new AudioReplayBuffer(sampleRate, _options.RecoveryWindow, _options.RecoveryMaxBytes, _budget);
}
