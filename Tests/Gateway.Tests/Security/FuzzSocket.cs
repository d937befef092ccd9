using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>What the gateway did next on a socket: a message, a close frame, or dropping the connection.</summary>
public abstract record Heard;

/// <summary>A text message from the gateway; <see cref="Code"/> and <see cref="Reason"/> as the message has them.</summary>
public sealed record HeardMessage(string Type, long Seq, string? Code, string? Message, string? Reason, string Raw) : Heard
{
    public bool IsError(string code) => Type == "error" && Code == code;

    public override string ToString() => Raw;

    public static HeardMessage Parse(ReadOnlySpan<byte> utf8)
    {
        var raw = System.Text.Encoding.UTF8.GetString(utf8);
        using var json = JsonDocument.Parse(utf8.ToArray());
        var root = json.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return new HeardMessage(
            Text("type") ?? "(no type)",
            root.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var n) ? n : -1,
            Text("code"),
            Text("message"),
            Text("reason"),
            raw);
    }
}

/// <summary>The gateway's close frame.</summary>
public sealed record HeardClose(WebSocketCloseStatus? Status, string? Description) : Heard
{
    public override string ToString() => $"close {(int?)Status} {Description}";
}

/// <summary>The connection ended without a close frame (or the wait for the next event timed out).</summary>
public sealed record HeardDrop(string Why) : Heard
{
    public override string ToString() => $"dropped ({Why})";
}

/// <summary>
/// A real <see cref="ClientWebSocket"/> on <c>/v1/listen</c> that sends whatever it is given (invalid
/// UTF-8, fragments, oversize frames) and records everything the gateway answers, in order.
/// </summary>
public sealed class FuzzSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<Heard> _heard = Channel.CreateUnbounded<Heard>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    private FuzzSocket(ClientWebSocket socket)
    {
        _socket = socket;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The <c>session</c> message the socket opened with.</summary>
    public HeardMessage Session { get; private set; } = null!;

    /// <summary>Everything heard so far, in order (the <c>session</c> message first).</summary>
    public List<Heard> Log { get; } = [];

    /// <summary>Connects and reads the <c>session</c> message; throws when the session did not open.</summary>
    public static async Task<FuzzSocket> OpenAsync(Uri listen, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(listen, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var fuzz = new FuzzSocket(socket);
        var first = await fuzz.NextAsync(cancellationToken);
        if (first is not HeardMessage { Type: "session" } session)
        {
            await fuzz.DisposeAsync();
            throw new InvalidOperationException($"The session did not open: {first}");
        }

        fuzz.Session = session;
        return fuzz;
    }

    /// <summary>Sends one message, split into fragments of the given sizes (the last fragment takes the rest).</summary>
    public async Task SendAsync(WebSocketMessageType type, ReadOnlyMemory<byte> payload, IReadOnlyList<int>? fragments, CancellationToken cancellationToken)
    {
        var offset = 0;
        foreach (var size in fragments ?? [])
        {
            var take = Math.Min(size, payload.Length - offset);
            await _socket.SendAsync(payload.Slice(offset, take), type, endOfMessage: false, cancellationToken);
            offset += take;
        }

        await _socket.SendAsync(payload[offset..], type, endOfMessage: true, cancellationToken);
    }

    public Task SendTextAsync(string text, CancellationToken cancellationToken) =>
        SendAsync(WebSocketMessageType.Text, System.Text.Encoding.UTF8.GetBytes(text), null, cancellationToken);

    /// <summary>The next thing the gateway did, or a <see cref="HeardDrop"/> when <paramref name="cancellationToken"/> ends the wait.</summary>
    public async Task<Heard> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await _heard.Reader.WaitToReadAsync(cancellationToken) && _heard.Reader.TryRead(out var heard))
            {
                Log.Add(heard);
                return heard;
            }

            return new HeardDrop("nothing more after the end of the connection");
        }
        catch (OperationCanceledException)
        {
            return new HeardDrop("no answer before the deadline");
        }
    }

    /// <summary>Sends <c>close_stream</c> and reads to the end: what came, the close frame (or drop) last.</summary>
    public async Task<List<Heard>> CloseStreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SendTextAsync("""{"type":"close_stream"}""", cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The gateway may have closed already; what it said is still in the log.
        }

        return await ReadToEndAsync(cancellationToken);
    }

    /// <summary>Reads until the close frame or drop.</summary>
    public async Task<List<Heard>> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var heard = new List<Heard>();
        while (true)
        {
            var next = await NextAsync(cancellationToken);
            heard.Add(next);
            if (next is HeardClose or HeardDrop)
            {
                return heard;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            // Not a clean end (those go through close_stream): leave like a vanished client.
            _socket.Abort();
        }

        await _pump;
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    _heard.Writer.TryWrite(new HeardClose(received.CloseStatus, received.CloseStatusDescription));
                    // Answer the close as a well-behaved client does, so the gateway is not kept waiting.
                    using var answer = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await _socket.CloseOutputAsync(received.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "", answer.Token);
                    return;
                }

                message.Write(buffer, 0, received.Count);
                if (received.EndOfMessage)
                {
                    _heard.Writer.TryWrite(received.MessageType == WebSocketMessageType.Text
                        ? HeardMessage.Parse(message.GetBuffer().AsSpan(0, (int)message.Length))
                        : new HeardMessage("(binary)", -1, null, null, null, $"binary frame of {message.Length} bytes"));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or JsonException or ObjectDisposedException)
        {
            _heard.Writer.TryWrite(new HeardDrop(ex is JsonException ? $"the gateway sent a text frame that is not JSON: {ex.Message}" : ex.GetType().Name + ": " + ex.Message));
        }
        finally
        {
            _heard.Writer.TryComplete();
        }
    }
}
