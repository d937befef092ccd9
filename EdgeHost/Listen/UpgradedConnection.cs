using Microsoft.AspNetCore.Http.Features;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// Keeps an upgraded connection's stream within the edge's reach. When the runtime's WebSocket fails
/// a client's frame (invalid UTF-8, a bad header) it sends its own close frame and reads no more,
/// while the client may still be sending. A TCP connection closed with unread bytes is reset, and the
/// reset can overtake that close frame: the client would see a dropped connection instead of the
/// documented close code. Draining what the client still sends until it closes, as RFC 6455 §7.1.1
/// asks of a server, lets the close frame arrive.
/// </summary>
public sealed class UpgradedConnection(IHttpUpgradeFeature upgrade) : IHttpUpgradeFeature
{
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

        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(within);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0 && !IsCloseFrame(buffer.AsSpan(0, read)))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Gone or out of time: the connection is dropped either way.
        }
    }

    /// <summary>
    /// Whether <paramref name="read"/> is exactly one masked close frame: the client's answer, sent on
    /// its own once our close frame arrived. A client then waits for the server to close the connection
    /// first (RFC 6455 §7.1.1), so draining on to the end would only keep both sides waiting.
    /// </summary>
    private static bool IsCloseFrame(ReadOnlySpan<byte> read) =>
        read.Length >= 6 && read[0] == 0x88 && (read[1] & 0x80) != 0 && read.Length == 6 + (read[1] & 0x7F);
}
