using Microsoft.Extensions.Options;

namespace OrleansStt.InferenceSim;

/// <summary>Accepts <c>/v1/stream</c> WebSockets and hands each to a <see cref="StreamConnection"/>.</summary>
internal sealed partial class StreamEndpoint(
    IOptions<SimulatorOptions> options,
    SimulatorStats stats,
    SimulatorFaults faults,
    SimulatorCapabilities capabilities,
    Sphinx.SphinxDecoderPool decoders,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<StreamConnection> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("WebSocket upgrade required", context.RequestAborted);
            return;
        }

        if (faults.RefuseConnections)
        {
            stats.ConnectionRefused();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("refusing connections (injected fault)", context.RequestAborted);
            return;
        }

        // A GPU server going away drops its sockets instead of draining them; CloseStreams fakes that.
        using var stopping = lifetime.ApplicationStopping.Register(context.Abort);
        using var closing = faults.StreamsClosing.Register(context.Abort);
        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            stats.ConnectionAccepted();
            using var connection = new StreamConnection(socket, options.Value, stats, faults, capabilities, decoders, time, logger);

            // Disposed before the connection, after waiting for a FailStreams that is already reaching it.
            using var failing = faults.OnFailStreams(connection.Fail);
            await connection.RunAsync(context.RequestAborted);
        }
        catch (Exception ex) when (StreamConnection.IsConnectionFailure(ex))
        {
            // The peer vanished during the upgrade; nothing was counted yet.
        }
        catch (Exception ex)
        {
            // Streams are already accounted for; a bug must cost one socket, not the server.
            LogConnectionFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream connection failed")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception);
}
