using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace OrleansStt.Client;

/// <summary>
/// Reads whole text messages from a WebSocket into one reused, growing buffer and stamps each
/// with its arrival time. Both wire protocols carry JSON text only, so a binary frame is a
/// protocol violation.
/// </summary>
public sealed class TextFrameReader(WebSocket socket, string peer, string section)
{
    public const int MaxMessageBytes = 1 << 20;

    private byte[] _buffer = new byte[4096];

    /// <summary>The next whole message (valid until the next call), or null at the peer's close frame.</summary>
    public async ValueTask<TextFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                if (length >= MaxMessageBytes)
                {
                    throw new SttProtocolException($"The {peer} sent a message over {MaxMessageBytes} bytes.", Encoding.UTF8.GetString(_buffer));
                }

                Array.Resize(ref _buffer, length * 2);
            }

            var result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            var arrival = Stopwatch.GetTimestamp();
            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    return null;
                case WebSocketMessageType.Binary:
                    throw new SttProtocolException($"The {peer} sent a binary frame; {section} has text frames only.", $"<{result.Count} binary bytes>");
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return new TextFrame(_buffer.AsMemory(0, length), arrival);
            }
        }
    }
}

/// <summary>One whole text message and when its last byte arrived (<see cref="Stopwatch"/> ticks).</summary>
public readonly record struct TextFrame(ReadOnlyMemory<byte> Utf8, long ArrivalTimestamp);
