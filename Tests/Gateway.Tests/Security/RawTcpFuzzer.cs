using System.Text;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>How a family 4 input is delivered.</summary>
public enum RawKind
{
    /// <summary>Bytes instead of a request; then this side's FIN.</summary>
    Request,

    /// <summary>A valid upgrade, then bytes on the WebSocket.</summary>
    AfterUpgrade,

    /// <summary>Part of a request, then a TCP RST.</summary>
    ResetMidRequest,

    /// <summary>A whole upgrade request, then a TCP RST before reading the answer.</summary>
    ResetBeforeAnswer,

    /// <summary>A valid upgrade, the bytes, then a TCP RST.</summary>
    ResetAfterUpgrade,
}

/// <summary>One input of family 4: raw bytes on a TCP connection to the gateway's port.</summary>
public sealed record RawInput(RawKind Kind, byte[] Bytes, string Shape)
{
    public bool Upgrades => Kind is RawKind.AfterUpgrade or RawKind.ResetAfterUpgrade;

    public override string ToString() => $"{Kind} ({Shape}): {FuzzReport.Show(Bytes, 120)}";
}

/// <summary>
/// Family 4: garbage, truncated and mutated HTTP, request targets with raw bytes, oversize request
/// lines and headers, and after a valid handshake garbage, unmasked frames and protocol violations.
/// </summary>
public sealed class RawTcpFuzzer(Random random, string host)
{
    private const string RawTargetBytes = " #\"<>\\^`{|}\t\u007f";

    public byte[] Upgrade(string target = "/v1/listen") =>
        RawHttpConnection.UpgradeRequest(target, host, RawHttpConnection.NewKey(random));

    public List<RawInput> Generate()
    {
        var inputs = new List<RawInput>();
        for (var i = 0; i < 80; i++)
        {
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            inputs.Add(new(RawKind.Request, bytes, "random bytes"));
        }

        for (var i = 0; i < 60; i++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 8)).Select(_ => Printable(random.Next(0, 120)));
            inputs.Add(new(RawKind.Request, Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + Pick<string>(["", "\r\n", "\r\n\r\n", "\n\n"])), "printable lines"));
        }

        for (var i = 0; i < 60; i++)
        {
            var request = Upgrade($"/v1/listen?language={Pick<string>(["en", "de", "pt-BR"])}");
            inputs.Add(new(RawKind.Request, request[..random.Next(0, request.Length - 1)], "truncated upgrade request"));
        }

        for (var i = 0; i < 80; i++)
        {
            inputs.Add(new(RawKind.Request, Mutate(Upgrade()), "mutated upgrade request"));
        }

        for (var i = 0; i < 60; i++)
        {
            var raw = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(3) switch
            {
                0 => (byte)RawTargetBytes[random.Next(RawTargetBytes.Length)],
                1 => (byte)random.Next(0x80, 0x100),
                _ => (byte)random.Next(0x00, 0x20),
            }).ToArray();
            var name = Pick<string>(["language=en", "foo=", "language=", "x"]);
            var target = Encoding.Latin1.GetBytes($"/v1/listen?{name}");
            var at = random.Next(target.Length - "/v1/listen".Length) + "/v1/listen".Length;
            byte[] withRaw = [.. target[..at], .. raw, .. target[at..]];
            inputs.Add(new(RawKind.Request, [.. "GET "u8, .. withRaw, .. Encoding.Latin1.GetBytes($" HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {RawHttpConnection.NewKey(random)}\r\n\r\n")], "raw bytes in the request target"));
        }

        inputs.AddRange(Oversize());
        inputs.AddRange(OddRequests());

        for (var i = 0; i < 36; i++)
        {
            var bytes = new byte[random.Next(1, 2000)];
            random.NextBytes(bytes);
            inputs.Add(new(RawKind.AfterUpgrade, bytes, "handshake, then random bytes"));
        }

        inputs.AddRange(ProtocolViolations());

        for (var i = 0; i < 10; i++)
        {
            var request = Upgrade();
            inputs.Add(new(RawKind.ResetMidRequest, request[..random.Next(1, request.Length - 1)], "reset inside the request"));
            inputs.Add(new(RawKind.ResetBeforeAnswer, request, "reset right after the request"));
            inputs.Add(new(RawKind.ResetAfterUpgrade, [], "reset right after the 101"));
            inputs.Add(new(RawKind.ResetAfterUpgrade, Frame(0x1, """{"type":"keepalive"}"""u8.ToArray(), masked: true)[..random.Next(1, 20)], "reset inside a frame"));
        }

        return inputs;
    }

    private IEnumerable<RawInput> Oversize()
    {
        foreach (var length in new[] { 9_000, 20_000, 70_000 })
        {
            yield return new(RawKind.Request, Upgrade($"/v1/listen?language=en&pad={new string('a', length)}"), $"request line over {length / 1000} KB");
        }

        yield return new(RawKind.Request, Encoding.ASCII.GetBytes($"GET /v1/listen HTTP/1.1\r\nHost: {host}\r\nX-Big: {new string('b', 40_000)}\r\n\r\n"), "a 40 KB header");
        yield return new(RawKind.Request, Encoding.ASCII.GetBytes($"GET /v1/listen HTTP/1.1\r\nHost: {host}\r\n{string.Concat(Enumerable.Range(0, 200).Select(i => $"X-{i}: {i}\r\n"))}\r\n"), "200 headers");
        yield return new(RawKind.Request, Encoding.ASCII.GetBytes($"POST /v1/listen HTTP/1.1\r\nHost: {host}\r\nContent-Length: 100000\r\n\r\n{new string('x', 1000)}"), "a body shorter than its Content-Length");
    }

    private IEnumerable<RawInput> OddRequests()
    {
        string[] requests =
        [
            "GET /v1/listen HTTP/1.0\r\n\r\n",
            "GET /v1/listen HTTP/1.1\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            $"GET /v1/listen HTTP/9.9\r\nHost: {host}\r\n\r\n",
            $"get /v1/listen HTTP/1.1\r\nHost: {host}\r\n\r\n",
            $"GET  /v1/listen HTTP/1.1\r\nHost: {host}\r\n\r\n",
            $"GET /v1/listen\r\nHost: {host}\r\n\r\n",
            "GET /v1/listen\r\n\r\n",
            $"GET http://{host}/v1/listen HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {RawHttpConnection.NewKey(random)}\r\n\r\n",
            $"CONNECT {host} HTTP/1.1\r\nHost: {host}\r\n\r\n",
            $"OPTIONS * HTTP/1.1\r\nHost: {host}\r\n\r\n",
            $"GET /v1/listen HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
            $"GET /v1/listen HTTP/1.1\r\nHost: {host}\r\nHost: other\r\n\r\n",
            $"GET /v1/listen HTTP/1.1\r\nHost: {host}\r\n Folded: header\r\n\r\n",
            $"GET /v1/listen HTTP/1.1\r\nHost: {host}\r\nBad Header: x\r\n\r\n",
            $"GET /v1/listen HTTP/1.1\nHost: {host}\n\n",
            $"GET /v1/listen HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {RawHttpConnection.NewKey(random)}\r\nSec-WebSocket-Key: {RawHttpConnection.NewKey(random)}\r\n\r\n",
            "\r\n\r\n\r\n",
            new string('\0', 64),
        ];
        return requests.Select(r => new RawInput(RawKind.Request, Encoding.Latin1.GetBytes(r), "odd request"));
    }

    /// <summary>After a valid handshake: frames RFC 6455 forbids a client to send.</summary>
    private IEnumerable<RawInput> ProtocolViolations()
    {
        var keepalive = """{"type":"keepalive"}"""u8.ToArray();
        (byte[] Bytes, string Shape)[] violations =
        [
            (Frame(0x1, keepalive, masked: false), "an unmasked text frame"),
            (Frame(0x2, new byte[640], masked: false), "an unmasked binary frame"),
            (Frame(0x8, [0x03, 0xE8], masked: false), "an unmasked close frame"),
            (Frame(0x9, [], masked: false), "an unmasked ping"),
            (Frame(0x1, keepalive, masked: true, rsv: 0x4), "RSV1 set without an extension"),
            (Frame(0x1, keepalive, masked: true, rsv: 0x7), "all RSV bits set"),
            (Frame(0x3, keepalive, masked: true), "reserved data opcode 3"),
            (Frame(0x7, keepalive, masked: true), "reserved data opcode 7"),
            (Frame(0xB, [], masked: true), "reserved control opcode 0xB"),
            (Frame(0xF, [], masked: true), "reserved control opcode 0xF"),
            (Frame(0x0, keepalive, masked: true), "a continuation with nothing to continue"),
            (Frame(0x9, new byte[126], masked: true), "a ping with 126 bytes of payload"),
            (Frame(0x9, [1, 2], masked: true, fin: false), "a fragmented ping"),
            ([.. Frame(0x1, keepalive[..5], masked: true, fin: false), .. Frame(0x1, keepalive[5..], masked: true)], "a new text frame inside a fragmented one"),
            ([.. Frame(0x2, new byte[10], masked: true, fin: false), .. Frame(0x1, keepalive, masked: true)], "a text frame inside a fragmented binary one"),
            (Frame(0x8, [0x03], masked: true), "a close frame with a 1-byte payload"),
            (Frame(0x8, [0x03, 0xED], masked: true), "close code 1005, which must not be sent"),
            (Frame(0x8, [0x03, 0xF7], masked: true), "close code 1015, which must not be sent"),
            (Frame(0x8, [0x00, 0x63], masked: true), "close code 99"),
            (Frame(0x8, [0x13, 0x88], masked: true), "close code 5000"),
            (Frame(0x8, [0x03, 0xE8, 0xFF, 0xFE], masked: true), "a close reason of invalid UTF-8"),
            (Frame(0x8, [0x03, 0xE8], masked: true), "a valid close 1000"),
            (Frame(0x8, [], masked: true), "a valid close without a code"),
            ([0x81, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4], "a text frame claiming 2^63 bytes"),
            ([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], "a 64-bit length with its top bit set"),
            ([0x82, 0xFE, 0x00, 0x10, 1, 2, 3, 4], "a 16-bit length used for 16 bytes"),
            (Frame(0x1, [0xFF, 0xFE], masked: true), "a text frame of invalid UTF-8"),
        ];
        return violations.Select(v => new RawInput(RawKind.AfterUpgrade, v.Bytes, v.Shape));
    }

    /// <summary>A WebSocket frame as a client (masked) or, wrongly, as a server (unmasked) would write it.</summary>
    public static byte[] Frame(int opcode, byte[] payload, bool masked, bool fin = true, int rsv = 0)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
        var mask = masked ? 0x80 : 0;
        if (payload.Length < 126)
        {
            frame.Add((byte)(mask | payload.Length));
        }
        else
        {
            frame.AddRange([(byte)(mask | 126), (byte)(payload.Length >> 8), (byte)payload.Length]);
        }

        byte[] key = [0x37, 0xFA, 0x21, 0x3D];
        if (masked)
        {
            frame.AddRange(key);
        }

        frame.AddRange(payload.Select((b, i) => masked ? (byte)(b ^ key[i % 4]) : b));
        return [.. frame];
    }

    private byte[] Mutate(byte[] request)
    {
        var bytes = request.ToList();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return [.. bytes];
    }

    private string Printable(int length) => new(Enumerable.Range(0, length).Select(_ => (char)random.Next(0x20, 0x7F)).ToArray());

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
