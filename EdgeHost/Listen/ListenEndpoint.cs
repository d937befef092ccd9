using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Delivery;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Interfaces.Sessions;

namespace OrleansStt.EdgeHost.Listen;

/// <summary><c>/v1/listen</c> (PROTOCOL §1): refuses bad upgrades with HTTP + JSON, then runs the socket.</summary>
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
        IOptions<EdgeOptions> options,
        IHostApplicationLifetime lifetime,
        ILogger<ClientConnection> logger)
    {
        if (!ApiKeys.Admits(context.Request, options.Value.ApiKeys))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                "A valid API key is required: 'Authorization: Bearer KEY' or '?access_token=KEY'.");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "/v1/listen expects a WebSocket upgrade.");
            return;
        }

        if (!ListenQuery.TryParse(context.Request.Query, edge.Id, options.Value, out var request, out var problem))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, problem);
            return;
        }

        if (!slots.TryTake())
        {
            context.Response.Headers.RetryAfter = "1";
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.CapacityExhausted,
                $"This edge holds its limit of {slots.Limit} sessions; try another edge or again later.");
            return;
        }

        try
        {
            await RunSessionAsync(context, cluster, edge, router, options.Value, lifetime, logger, request);
        }
        finally
        {
            slots.Release();
        }
    }

    private static async Task RunSessionAsync(
        HttpContext context,
        IClusterClient cluster,
        EdgeIdentity edge,
        OutputRouter router,
        EdgeOptions options,
        IHostApplicationLifetime lifetime,
        ILogger<ClientConnection> logger,
        SessionRequest request)
    {
        // Pings find half-open clients (a phone that lost its network) instead of holding them forever.
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = TimeSpan.FromSeconds(15),
            KeepAliveTimeout = TimeSpan.FromSeconds(15),
        });
        var sessionId = Guid.NewGuid().ToString("N");
        var connection = new ClientConnection(socket, cluster.GetGrain<ISessionGrain>(sessionId), options, logger);
        router.Register(sessionId, connection);
        try
        {
            await connection.RunAsync(request, lifetime.ApplicationStopping);
        }
        finally
        {
            router.Unregister(sessionId);
        }
    }

    private static Task RefuseAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new Refusal(code, message), EdgeJsonContext.Default.Refusal);
    }
}
