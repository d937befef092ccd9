using OrleansStt.Grains.Telemetry;

namespace OrleansStt.Grains.Sessions;

public sealed partial class SessionGrain : IIncomingGrainCallFilter
{
    // Timer ticks come through here too. Scopes flow with the call, so the GPU stream loops a call
    // starts keep the session id; activation and deactivation, which are not calls, begin their own.
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        using (SessionLogScope.Begin(logger, SessionId))
        {
            await context.Invoke();
        }
    }
}
