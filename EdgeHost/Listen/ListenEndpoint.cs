using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Admission;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Delivery;
using OrleansStt.EdgeHost.Hosting;
using OrleansStt.EdgeHost.Sessions;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Interfaces.Sessions;
using OrleansStt.Grains.Telemetry;

namespace OrleansStt.EdgeHost.Listen;

/// <summary><c>/v1/listen</c> (PROTOCOL §1): refuses bad upgrades with HTTP + JSON, then opens or resumes the session and runs the socket.</summary>
public static class ListenEndpoint
{
    public static IEndpointConventionBuilder MapListen(this IEndpointRouteBuilder endpoints) =>
        endpoints.Map("/v1/listen", ListenAsync);

    private static async Task ListenAsync(
        HttpContext context,
        IClusterClient cluster,
        EdgeIdentity edge,
        OutputRouter router,
        SessionSlots slots,
        ClientQuotas quotas,
        SessionTokens tokens,
        EdgeDrain drain,
        IOptions<EdgeOptions> options,
        RecoveryCopies copies,
        TimeProvider time,
        SttMetrics metrics,
        OutputBacklog backlog,
        LoadSignals load,
        ILogger<ClientConnection> logger)
    {
        if (ApiKeys.Identify(context, options.Value.ApiKeys, tokens) is not { } client)
        {
            await RefuseAsync(context, metrics, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                "A valid API key is required: 'Authorization: Bearer KEY' or '?access_token=KEY'.");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, metrics, StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "/v1/listen expects a WebSocket upgrade.");
            return;
        }

        if (!ListenQuery.TryParse(context.Request.Query, options.Value, out var request, out var resume, out var problem))
        {
            await RefuseAsync(context, metrics, StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, problem);
            return;
        }

        if (drain.IsDraining)
        {
            context.Response.Headers.RetryAfter = "1";
            await RefuseAsync(context, metrics, StatusCodes.Status503ServiceUnavailable, ErrorCodes.CapacityExhausted,
                "This edge is shutting down; connect to another edge.");
            return;
        }

        // Refused while the sessions held would fall behind: an overloaded edge that took more would
        // make every session late. A resume is a session already admitted, so it is always taken.
        if (resume is null && !load.Admits(slots.Taken))
        {
            context.Response.Headers.RetryAfter = load.NextRetryAfterSeconds().ToString(CultureInfo.InvariantCulture);
            await RefuseAsync(context, metrics, StatusCodes.Status503ServiceUnavailable, ErrorCodes.CapacityExhausted,
                $"This edge is at capacity ({load.Reason}); try another edge or again later.");
            return;
        }

        // A resume is an existing session coming back, often all of a client's at once after a
        // network blip while the old sockets still count: never refused by the key's limit.
        using var quota = resume is null ? quotas.TryOpen(client) : null;
        if (quota is { IsAcquired: false })
        {
            context.Response.Headers.RetryAfter = "5";
            await RefuseAsync(context, metrics, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"This client holds its limit of {quotas.Limit} sessions on this edge; close one or try again later.");
            return;
        }

        if (!slots.TryTake())
        {
            context.Response.Headers.RetryAfter = "1";
            await RefuseAsync(context, metrics, StatusCodes.Status503ServiceUnavailable, ErrorCodes.CapacityExhausted,
                $"This edge holds its limit of {slots.Limit} sessions; try another edge or again later.");
            return;
        }

        try
        {
            var sessionId = resume?.SessionId ?? Guid.NewGuid().ToString("N");
            Activity.Current?.SetTag(SttActivities.SessionId, sessionId).SetTag("stt.session.resume", resume is not null);
            var sessionLogger = SessionLogScope.For(logger, sessionId);
            var connection = new ClientConnection(options.Value, sessionLogger, metrics, backlog, time);
            using var session = new EdgeSession(
                sessionId, cluster.GetGrain<ISessionGrain>(sessionId), edge, router, options.Value, copies, time, sessionLogger,
                connection.Output, () => connection.OnOutputOverflow(sessionId), metrics);

            Func<Task<bool>> start;
            if (resume is not null)
            {
                // Answered before the upgrade, so a refusal is the plain HTTP 404 of PROTOCOL §1.3.
                bool resumed;
                try
                {
                    resumed = await session.ResumeAsync(resume.ResumeToken, resume.LastSeq);
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    // The session's silo is going away: the client's next try reaches it where it is rebuilt or moved.
                    context.Response.Headers.RetryAfter = "1";
                    await RefuseAsync(context, metrics, StatusCodes.Status503ServiceUnavailable, ErrorCodes.CapacityExhausted,
                        "The session cannot be reached right now; try again.");
                    return;
                }

                if (!resumed)
                {
                    await RefuseAsync(context, metrics, StatusCodes.Status404NotFound, ErrorCodes.SessionNotFound,
                        "No session to resume: it does not exist, has ended, the token does not match, or messages after last_seq are no longer kept.");
                    return;
                }

                start = static () => Task.FromResult(true);
            }
            else
            {
                start = async () => await session.OpenAsync(request!) == OpenOutcome.Opened;
            }

            WebSocket socket;
            try
            {
                // Pings find half-open clients (a phone that lost its network) instead of holding them forever.
                socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
                {
                    KeepAliveInterval = TimeSpan.FromSeconds(15),
                    KeepAliveTimeout = TimeSpan.FromSeconds(15),
                });
            }
            catch when (resume is not null)
            {
                // The session already answers this socket: let it wait for the client's next try.
                await session.DetachAsync();
                throw;
            }

            metrics.SessionsOpened.Add(1, new KeyValuePair<string, object?>("kind", resume is null ? "new" : "resumed"));
            await connection.RunAsync(socket, context.Features.Get<UpgradedConnection>(), session, start, drain.Drained);
        }
        finally
        {
            slots.Release();
        }
    }

    private static Task RefuseAsync(HttpContext context, SttMetrics metrics, int status, string code, string message)
    {
        metrics.SessionsRefused.Add(1, new KeyValuePair<string, object?>("reason", code));
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new Refusal(code, message), EdgeJsonContext.Default.Refusal);
    }
}
