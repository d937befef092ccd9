using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>An HTTP/1.1 response as it came off the socket.</summary>
public sealed record RawHttpResponse(int Status, string StatusLine, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public bool ClosesConnection =>
        Headers.TryGetValue("Connection", out var connection) && connection.Contains("close", StringComparison.OrdinalIgnoreCase);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>One WebSocket frame as the gateway sent it (server frames are never masked).</summary>
public sealed record RawFrame(bool Fin, int Opcode, byte[] Payload)
{
    public const int Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA;

    public int? CloseStatus => Opcode == Close && Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;

    public string CloseReason => Opcode == Close && Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : "";
}

/// <summary>
/// A TCP connection to the gateway that sends exactly the bytes it is given (no URI normalisation,
/// no header validation) and reads HTTP/1.1 responses and WebSocket frames off it, for inputs no
/// well-behaved client library would send.
/// </summary>
public sealed class RawHttpConnection : IDisposable
{
    private const int MaxHeadBytes = 64 * 1024;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawHttpConnection> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(endpoint, cancellationToken);
            return new RawHttpConnection(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>A WebSocket upgrade request for <paramref name="target"/> (path and query, sent as given).</summary>
    public static byte[] UpgradeRequest(string target, string host, string key, string method = "GET", string? extraHeaders = null) =>
        Encoding.Latin1.GetBytes(
            $"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n{extraHeaders}\r\n");

    public static string NewKey(Random random)
    {
        var key = new byte[16];
        random.NextBytes(key);
        return Convert.ToBase64String(key);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        await _stream.WriteAsync(bytes, cancellationToken);

    /// <summary>Tells the gateway this side has nothing more to send (TCP FIN), keeping the read side open.</summary>
    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Drops the connection with a TCP RST, the most abrupt way a client can vanish.</summary>
    public void Reset()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    /// <summary>The next response, or null when the gateway closed the connection before sending a byte of one.</summary>
    public async Task<RawHttpResponse?> ReadResponseAsync(CancellationToken cancellationToken)
    {
        int headEnd;
        while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (_end - _start > MaxHeadBytes)
            {
                throw new InvalidDataException($"A response head longer than {MaxHeadBytes} bytes.");
            }

            if (!await FillAsync(cancellationToken))
            {
                if (_end == _start)
                {
                    return null;
                }

                throw new EndOfStreamException($"The connection closed inside a response head: {FuzzReport.Show(_buffer.AsSpan(_start, _end - _start))}");
            }
        }

        var head = Encoding.Latin1.GetString(_buffer, _start, headEnd).Split("\r\n");
        _start += headEnd + 4;
        var statusLine = head[0];
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new InvalidDataException($"Not an HTTP/1.x status line: {FuzzReport.Show(statusLine)}");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
                headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
            }
        }

        byte[] body;
        if (status is 101 or 204 or 304 or (>= 100 and < 200))
        {
            body = [];
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedAsync(cancellationToken);
        }
        else if (headers.TryGetValue("Content-Length", out var length))
        {
            body = await ReadExactlyAsync(int.Parse(length, NumberStyles.None, CultureInfo.InvariantCulture), cancellationToken);
        }
        else
        {
            body = (await ReadToEndAsync(cancellationToken)).Bytes;
        }

        return new RawHttpResponse(status, statusLine, headers, body);
    }

    /// <summary>Everything the gateway sends until it closes the connection; whether it reset it instead.</summary>
    public async Task<(byte[] Bytes, bool Reset)> ReadToEndAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await FillAsync(cancellationToken))
            {
            }
        }
        catch (IOException ex) when (ex.InnerException is SocketException)
        {
            return (Take(_end - _start), true);
        }

        return (Take(_end - _start), false);
    }

    /// <summary>Sends one WebSocket frame; client frames must be masked, so <paramref name="masked"/>: false is a protocol violation.</summary>
    public async Task SendFrameAsync(int opcode, ReadOnlyMemory<byte> payload, bool fin = true, bool masked = true, int rsv = 0, CancellationToken cancellationToken = default)
    {
        var frame = new List<byte>(payload.Length + 14) { (byte)((fin ? 0x80 : 0) | (rsv << 4 & 0x70) | (opcode & 0x0F)) };
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length < 126)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                frame.Add((byte)((long)payload.Length >> shift));
            }
        }

        var key = masked ? RandomNumberGenerator.GetBytes(4) : [];
        frame.AddRange(key);
        var span = payload.Span;
        for (var i = 0; i < span.Length; i++)
        {
            frame.Add(masked ? (byte)(span[i] ^ key[i % 4]) : span[i]);
        }

        await SendAsync(frame.ToArray(), cancellationToken);
    }

    /// <summary>The gateway's next frame, or null when it closed the connection.</summary>
    public async Task<RawFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (!await EnsureAsync(2, cancellationToken))
        {
            return null;
        }

        var (b0, b1) = (_buffer[_start], _buffer[_start + 1]);
        var headerLength = 2 + (b1 & 0x7F) switch { 126 => 2, 127 => 8, _ => 0 } + ((b1 & 0x80) != 0 ? 4 : 0);
        if (!await EnsureAsync(headerLength, cancellationToken))
        {
            throw new EndOfStreamException("The connection closed inside a frame header.");
        }

        long length = (b1 & 0x7F) switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2)),
            127 => BinaryPrimitives.ReadInt64BigEndian(_buffer.AsSpan(_start + 2)),
            var small => small,
        };
        if (length is < 0 or > 16 * 1024 * 1024)
        {
            throw new InvalidDataException($"The gateway sent a frame of {length} bytes.");
        }

        _start += headerLength;
        return new RawFrame((b0 & 0x80) != 0, b0 & 0x0F, await ReadExactlyAsync((int)length, cancellationToken));
    }

    public void Dispose() => _tcp.Dispose();

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        var body = new List<byte>();
        while (true)
        {
            var sizeLine = await ReadLineAsync(cancellationToken);
            var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while ((await ReadLineAsync(cancellationToken)).Length > 0)
                {
                }

                return [.. body];
            }

            body.AddRange(await ReadExactlyAsync(size, cancellationToken));
            if ((await ReadLineAsync(cancellationToken)).Length != 0)
            {
                throw new InvalidDataException("A chunk is not followed by CRLF.");
            }
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
        {
            if (!await FillAsync(cancellationToken))
            {
                throw new EndOfStreamException("The connection closed inside a chunked body.");
            }
        }

        var line = Encoding.Latin1.GetString(_buffer, _start, end);
        _start += end + 2;
        return line;
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        if (!await EnsureAsync(count, cancellationToken))
        {
            throw new EndOfStreamException($"The connection closed {count - (_end - _start)} bytes short of a {count}-byte body or frame.");
        }

        return Take(count);
    }

    private byte[] Take(int count)
    {
        var taken = _buffer.AsSpan(_start, count).ToArray();
        _start += count;
        return taken;
    }

    private async Task<bool> EnsureAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (!await FillAsync(cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads more bytes into the buffer; false at the end of the stream.</summary>
    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0 && _start == _end)
        {
            (_start, _end) = (0, 0);
        }

        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                (_start, _end) = (0, _end - _start);
            }
            else
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }
}
