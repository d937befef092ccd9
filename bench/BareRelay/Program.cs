using System.Buffers;
using System.Net.WebSockets;

// Baseline only (bench/README.md): what a bare ASP.NET Core relay costs, to set against OrleansStt.
// Each client on /v1/stream gets one backend socket (round-robin over --backends ws://…,ws://…);
// frames go both ways unchanged and a close on either side closes the other. The client speaks
// the backend protocol itself (start/stop), as it would through nginx.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var backends = (builder.Configuration["backends"] ?? "")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(url => new Uri(url)).ToArray();
if (backends.Length == 0)
{
    Console.Error.WriteLine("usage: OrleansStt.BareRelay --urls http://127.0.0.1:PORT --backends ws://HOST:PORT/v1/stream[,…]");
    return 64;
}

var dialer = new HttpMessageInvoker(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, UseCookies = false });
var next = 0;
var app = builder.Build();
app.UseWebSockets();
app.Map("/v1/stream", async context =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var backend = new ClientWebSocket();
    backend.Options.SetBuffer(4096, 4096);
    try
    {
        await backend.ConnectAsync(backends[(uint)Interlocked.Increment(ref next) % backends.Length], dialer, context.RequestAborted);
    }
    catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException)
    {
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
        return;
    }

    using var client = await context.WebSockets.AcceptWebSocketAsync();
    var up = Relay.PumpAsync(client, backend);
    var down = Relay.PumpAsync(backend, client);
    // Once one direction has passed a close on, the other gets a few seconds for the answering close.
    await Task.WhenAny(up, down);
    try
    {
        await Task.WhenAll(up, down).WaitAsync(TimeSpan.FromSeconds(5));
    }
    catch (TimeoutException)
    {
        client.Abort();
        backend.Abort();
        await Task.WhenAll(up, down);
    }
});
await app.RunAsync();
return 0;

internal static class Relay
{
    /// <summary>Copies frames from one socket to the other through one pooled 4 KB buffer; ends after passing a close on, or on any failure (aborting both).</summary>
    public static async Task PumpAsync(WebSocket from, WebSocket to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (true)
            {
                var frame = await from.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (frame.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, CancellationToken.None);
                    }

                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, frame.Count), frame.MessageType, frame.EndOfMessage, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            from.Abort();
            to.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
