using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace OrleansStt.Client.Tests;

/// <summary>One request to the scripted edge, held open until the test accepts or refuses it.</summary>
public sealed class EdgeCall(HttpContext context)
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Finished => _finished.Task;

    public IQueryCollection Query => context.Request.Query;

    public string? Authorization => context.Request.Headers.Authorization;

    /// <summary>Answers with plain HTTP and the protocol's JSON error, as an edge refusing an upgrade does.</summary>
    public async Task RefuseAsync(int statusCode, string code, int? retryAfterSeconds = null)
    {
        context.Response.StatusCode = statusCode;
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(new { code, message = $"refused by the script: {code}" }));
        Finish();
    }

    public async Task<EdgeSocket> AcceptAsync()
    {
        Assert.True(context.WebSockets.IsWebSocketRequest);
        return new EdgeSocket(await context.WebSockets.AcceptWebSocketAsync(), this);
    }

    /// <summary>Drops the connection without a close frame, as a crashing edge or a network change does.</summary>
    public void Break()
    {
        context.Abort();
        Finish();
    }

    public void Finish() => _finished.TrySetResult();
}
