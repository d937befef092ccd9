using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// Keeps an upgraded connection's stream within the edge's reach. When the runtime's WebSocket fails a
/// client's frame (invalid UTF-8, a broken header) it sends its own close frame, reads no more and
/// marks itself aborted. Disposing it then makes ASP.NET Core abort the connection: a TCP reset, which
/// discards the close frame if it is still on its way, so the client would see a dropped connection
/// instead of the documented close code. The edge instead reads on from this stream until the client
/// answers the close, and lets the connection end without the abort (<see cref="ClientConnection"/>).
/// </summary>
public sealed class UpgradedConnection(IHttpUpgradeFeature upgrade) : IHttpUpgradeFeature
{
    // A masked close frame: 2 header bytes, a 4-byte mask, at most 125 bytes of payload.
    private const int MaxCloseFrame = 2 + 4 + 125;
    private const int ReadSize = 4096;

    // What a client may have sent before it reads the close: about the edge's audio burst (10 s) at
    // the highest sample rate. Past it the client is flooding, and the connection is dropped.
    private const long MaxDrainBytes = 4 * 1024 * 1024;

    private Stream? _stream;

    public bool IsUpgradableRequest => upgrade.IsUpgradableRequest;

    public async Task<Stream> UpgradeAsync() => _stream = await upgrade.UpgradeAsync();

    /// <summary>Put in front of the WebSocket middleware, which takes the upgrade feature it finds when a request arrives.</summary>
    public static Task KeepAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
        {
            var connection = new UpgradedConnection(upgrade);
            context.Features.Set<IHttpUpgradeFeature>(connection);
            context.Features.Set(connection);
        }

        return next(context);
    }

    /// <summary>
    /// Reads and drops what the client still sends, until it answers with its close frame or closes the
    /// connection, or <paramref name="within"/> has passed.
    /// </summary>
    public async Task DrainAsync(TimeSpan within)
    {
        if (_stream is not { } stream)
        {
            return;
        }

        // The tail of each read is kept in front of the next: the client's close frame may straddle two reads.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxCloseFrame + ReadSize);
        using var deadline = new CancellationTokenSource(within);
        try
        {
            var kept = 0;
            for (long drained = 0; drained < MaxDrainBytes;)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(kept, ReadSize), deadline.Token);
                var filled = kept + read;
                if (read == 0 || EndsWithCloseFrame(buffer.AsSpan(0, filled)))
                {
                    return;
                }

                drained += read;
                kept = Math.Min(filled, MaxCloseFrame - 1);
                buffer.AsSpan(filled - kept, kept).CopyTo(buffer);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Gone or out of time: the connection is dropped either way.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Whether <paramref name="bytes"/> end with a masked close frame: the last thing a client sends.
    /// Audio before it is random to this check, so a payload must hold a valid status code (1000–4999)
    /// before a match counts; a false match only ends the wait early.
    /// </summary>
    private static bool EndsWithCloseFrame(ReadOnlySpan<byte> bytes)
    {
        for (var length = 0; length <= MaxCloseFrame - 6 && length + 6 <= bytes.Length; length++)
        {
            var frame = bytes[^(length + 6)..];
            if (frame[0] != 0x88 || frame[1] != (0x80 | length) || length == 1)
            {
                continue;
            }

            if (length == 0)
            {
                return true;
            }

            var status = (frame[6] ^ frame[2]) << 8 | (frame[7] ^ frame[3]);
            if (status is >= 1000 and < 5000)
            {
                return true;
            }
        }

        return false;
    }
}
