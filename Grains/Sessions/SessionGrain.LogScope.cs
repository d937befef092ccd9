using OrleansStt.Grains.Telemetry;

namespace OrleansStt.Grains.Sessions;

public sealed partial class SessionGrain : IIncomingGrainCallFilter
{
    // Scopes flow with the call, so the GPU stream loops a call starts keep the session id too.
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        using (SessionLogScope.Begin(logger, SessionId))
        {
            await context.Invoke();
        }
    }

    private Func<CancellationToken, Task> InSessionScope(Func<CancellationToken, Task> callback) => async cancellationToken =>
    {
        using (SessionLogScope.Begin(logger, SessionId))
        {
            await callback(cancellationToken);
        }
    };
}
