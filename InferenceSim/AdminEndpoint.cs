using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrleansStt.InferenceSim;

/// <summary>
/// The fault-injection API (<c>/admin/…</c>) on the stream port, for harnesses and demos that run the
/// simulator out of process. Unauthenticated: the simulator is a test tool, never a production server; and
/// mapped only when <see cref="SimulatorOptions.AdminApi"/> asks for it, so an exposed port is not open to it.
/// </summary>
internal sealed partial class AdminEndpoint(
    SimulatorFaults faults,
    IHostApplicationLifetime lifetime,
    ILogger<AdminEndpoint> logger)
{
    private const string DefaultFailureMessage = "simulated failure";

    public static void Map(WebApplication app, bool enabled)
    {
        if (!enabled)
        {
            // Said once the host has started: a start that fails on invalid options has more important news.
            var offLogger = app.Services.GetRequiredService<ILogger<AdminEndpoint>>();
            app.Lifetime.ApplicationStarted.Register(() => LogOff(offLogger));
            return;
        }

        app.MapGet("/admin/faults", context => From(context).GetFaultsAsync(context));
        app.MapPut("/admin/faults", context => From(context).UpdateFaultsAsync(context));
        app.MapPost("/admin/faults/reset", context => From(context).ResetAsync(context));
        app.MapPost("/admin/close-streams", context => From(context).CloseStreamsAsync(context));
        app.MapPost("/admin/fail-streams", context => From(context).FailStreamsAsync(context));
        app.MapPost("/admin/die", context => From(context).DieAsync(context));
    }

    private static AdminEndpoint From(HttpContext context) => context.RequestServices.GetRequiredService<AdminEndpoint>();

    private Task GetFaultsAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(
            FaultsResponse.From(faults), SimulatorJsonContext.Default.FaultsResponse, contentType: null, context.RequestAborted);

    // Validated as a whole first, so a refused update changes nothing.
    private async Task UpdateFaultsAsync(HttpContext context)
    {
        var (readable, update) = await ReadJsonAsync(context, SimulatorJsonContext.Default.FaultsUpdate);
        if (!readable)
        {
            return;
        }

        if (update is null)
        {
            await BadRequestAsync(context, "expected a JSON object");
            return;
        }

        if (update.Problem() is { } problem)
        {
            await BadRequestAsync(context, problem);
            return;
        }

        update.ApplyTo(faults);
        LogFaults(logger, FaultsResponse.From(faults));
        await GetFaultsAsync(context);
    }

    private Task ResetAsync(HttpContext context)
    {
        faults.Reset();
        LogFaults(logger, FaultsResponse.From(faults));
        return GetFaultsAsync(context);
    }

    private Task CloseStreamsAsync(HttpContext context)
    {
        LogClosingStreams(logger);
        faults.CloseStreams();
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private async Task FailStreamsAsync(HttpContext context)
    {
        var (readable, request) = await ReadJsonAsync(context, SimulatorJsonContext.Default.FailStreamsRequest);
        if (!readable)
        {
            return;
        }

        var message = request?.Message ?? DefaultFailureMessage;
        LogFailingStreams(logger, message);
        faults.FailStreams(message);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    // The answer goes out first: stopping aborts every socket and waits for requests still running.
    private async Task DieAsync(HttpContext context)
    {
        LogDying(logger);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.CompleteAsync();
        lifetime.StopApplication();
    }

    // Bodies are a few bytes; buffering lets an empty body mean "none" however the client framed it.
    // Not readable: the body was malformed JSON, and the 400 saying so has been written.
    private static async Task<(bool Readable, T? Value)> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        try
        {
            return (true, body.Length == 0 ? null : JsonSerializer.Deserialize(body.GetBuffer().AsSpan(0, (int)body.Length), typeInfo));
        }
        catch (JsonException ex)
        {
            await BadRequestAsync(context, $"malformed request: {ex.Message}");
            return (false, null);
        }
    }

    private static Task BadRequestAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return context.Response.WriteAsJsonAsync(
            new AdminError("bad_request", message), SimulatorJsonContext.Default.AdminError, contentType: null, context.RequestAborted);
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Admin API (/admin/...) is off; set Simulator:AdminApi=true (environment Simulator__AdminApi=true) to turn on fault injection over HTTP")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Faults now {Faults}")]
    private static partial void LogFaults(ILogger logger, FaultsResponse faults);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropping every stream connection (injected fault)")]
    private static partial void LogClosingStreams(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Failing every stream connection (injected fault): {Message}")]
    private static partial void LogFailingStreams(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dying on request (injected fault)")]
    private static partial void LogDying(ILogger logger);
}
