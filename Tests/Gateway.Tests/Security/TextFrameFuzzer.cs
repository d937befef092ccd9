using System.Net.WebSockets;
using System.Text;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>
/// Family 2: text frames inside an open session: random JSON, JSON without or with a wrong
/// <c>type</c>, unknown types, broken syntax, deep nesting, invalid UTF-8, oversize and fragmented frames.
/// </summary>
public sealed class TextFrameFuzzer(Random random)
{
    /// <summary>Inputs that need a session each (oversize, invalid UTF-8); the rest share sessions.</summary>
    public const int MaxSolo = 44;

    private static readonly string[] KnownTypes = ["keepalive", "finalize"];

    private static readonly string[] TypeLookalikes =
    [
        "KEEPALIVE", "Keepalive", "keepalive ", " keepalive", "keep_alive", "CLOSE_STREAM", "Close_Stream", "close_stream ", " close_stream",
        "close-stream", "closestream", "close_stream\\u0000", "close_stream\\n", "FINALIZE", "finalise", "close_streams", "close_strea",
        "\\u0063lose-stream", "", " ", "null", "undefined", "0", "session", "closed", "error", "audio", "start", "stop",
        "\u00e9", "\ud83c\udfa4", "\u4e2d\u6587", "close_stream\u200b",
    ];

    private static readonly string[] FieldNames = ["a", "b", "seq", "data", "text", "Type", "TYPE", "type ", " type", "typ", "types", "session_id", "\\u0074ype_", "x", ""];

    private static readonly string[] Numbers = ["0", "-0", "1", "-1", "1.5", "1e400", "-1e-400", "123456789012345678901234567890", "3.14E+10", "2147483648"];

    private static readonly string[] BrokenSyntax =
    [
        "{nope", "[1,2]", "\"str\"", "null", "{}", "{\"type\":\"keepalive\",}", "{\"type\":\"keepalive\"}x", "{\"type\":\"keepalive\"}{\"type\":\"keepalive\"}",
        "/*c*/{\"type\":\"keepalive\"}", "{\"type\":\"keepalive\"}//c", "{'type':'keepalive'}", "{type:\"keepalive\"}", "{\"type\":keepalive}",
        "{\"type\":\"keepalive\",\"n\":NaN}", "{\"type\":\"keepalive\",\"n\":Infinity}", "{\"type\":\"keepalive\",\"n\":01}", "{\"type\":\"keepalive\",\"n\":0x1}",
        "{\"type\":\"keepalive\",\"n\":+1}", "{\"type\":\"keepalive\",\"n\":.5}", "{\"type\":\"keepalive\",\"s\":\"\\x41\"}", "{\"type\":\"keepalive\",\"s\":\"\\u12G4\"}",
        "{\"type\":\"keepalive\",\"s\":\"\t\"}", "{\"type\":\"kee\u0001palive\"}", "{\"type\" \"keepalive\"}", "{\"type\"::\"keepalive\"}", "{\"type\":\"keepalive\"",
        "\"type\":\"keepalive\"", "{\"type\":\"keepalive\"]", "[{\"type\":\"keepalive\"}]", "\f{\"type\":\"keepalive\"}", "\u00a0{\"type\":\"keepalive\"}",
        "{\"type\":\"keepalive\",\"a\":[1,2,]}", "{\"type\":\"keepalive\",\"a\":True}", "{\"type\":\"keepalive\",\"a\":nul}", "{,}", "{\"\":}", "", " ", "\r\n",
        "true", "false", "0", "-", "1e", "\"", "\"\\\"", "{\"type\":\"keepalive\"}\u0000", "{\"type\":\"keepalive\\u\"}", "{\"type\":\"\\ud800\"}",
        "{\"type\":\"keepalive\",\"s\":\"\\ud800\"}", "{\"type\":\"keepalive\",\"s\":\"\\udc00\\ud800\"}", "{\"type\":\"\\ud83c\\udfa4\"}",
        "\uFEFF{\"type\":\"keepalive\"}", "\uFEFF{nope", " \t\r\n{\"type\":\"keepalive\"} \t\r\n", "{\"type\":\"keepalive\",\"type2\":{\"type\":\"close_stream\"}}",
    ];

    private static readonly byte[][] BadUtf8 =
    [
        [0xFF], [0xFE], [0xC0, 0x80], [0xC1, 0xBF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0x80], [0xBF], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], [0xC3, 0x28],
    ];

    private int _solo;

    public List<FrameInput> Generate(int count)
    {
        var inputs = new List<FrameInput>();
        foreach (var text in Probes())
        {
            Add(inputs, Encoding.UTF8.GetBytes(text), null, "probe");
        }

        // The size limit and its neighbours, whole and in fragments no larger than the limit.
        foreach (var size in new[] { 4095, 4096, 4097, 4100, 8192, 16385, 70_000, 300_000 })
        {
            Add(inputs, Padded(size), null, "sized");
            Add(inputs, Padded(size), Fragments(size, maxPiece: TextFrameDocs.MaxControlFrameBytes), "sized, fragmented");
        }

        foreach (var bad in BadUtf8)
        {
            Add(inputs, Splice("""{"type":"keepalive","s":"ab"}"""u8.ToArray(), 26, bad), random.Next(3) == 0 ? Fragments(30) : null, "invalid UTF-8");
        }

        while (inputs.Count < count)
        {
            var (payload, shape) = Next();
            Add(inputs, payload, random.Next(4) == 0 ? Fragments(payload.Length) : null, shape);
        }

        return inputs;
    }

    private void Add(List<FrameInput> inputs, byte[] payload, IReadOnlyList<int>? fragments, string shape)
    {
        var input = new FrameInput(WebSocketMessageType.Text, payload, fragments, shape, TextFrameDocs.Answer(payload));
        if (input.Expected == FrameAnswer.CloseStream || (input.Solo && _solo >= MaxSolo))
        {
            return;
        }

        _solo += input.Solo ? 1 : 0;
        inputs.Add(input);
    }

    private static IEnumerable<string> Probes()
    {
        // The documented examples, every known type, and the depth around System.Text.Json's default limit of 64.
        string[] documented = ["{nope", "[1,2]", "\"str\"", "null", "{\"no_type\":true}", "{\"type\":null}", "{}", "{\"type\":\"keepalive\"}", "{\"type\":\"finalize\"}", "{\"type\":\"bogus\"}", "{\"type\":123}"];
        foreach (var text in documented)
        {
            yield return text;
        }

        foreach (var depth in new[] { 1, 2, 63, 64, 65, 66, 100, 1000 })
        {
            yield return $"{{\"type\":\"keepalive\",\"x\":{new string('[', depth)}{new string(']', depth)}}}";
            yield return $"{{\"type\":\"bogus\",\"x\":{Nested(depth)}}}";
            yield return $"{new string('[', depth)}{new string(']', depth)}";
        }
    }

    private (byte[], string) Next()
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 16 => (Utf8(Value(random.Next(0, 4))), "random JSON value"),
            < 30 => (Utf8(Object(random.Next(0, 3), $"\"{RandomString()}\"")), "unknown type"),
            < 38 => (Utf8(Object(random.Next(0, 3), $"\"{Pick(KnownTypes)}\"")), "known type, other fields"),
            < 44 => (Utf8(Object(random.Next(0, 2), $"\"{Pick(TypeLookalikes)}\"")), "a look-alike of a known type"),
            < 52 => (Utf8(Object(random.Next(0, 3), null)), "object without type"),
            < 60 => (Utf8(Object(random.Next(0, 2), Pick<string>(["null", "true", "false", Pick(Numbers), "{}", "[]", "[\"keepalive\"]", "{\"type\":\"keepalive\"}", Value(2)]))), "type not a string"),
            < 70 => (Mutate(Utf8(Object(random.Next(0, 3), $"\"{Pick(KnownTypes)}\""))), "mutated JSON"),
            < 76 => (Utf8(Pick(BrokenSyntax)), "broken syntax"),
            < 84 => Deep(),
            < 90 => (Utf8(Object(random.Next(0, 2), $"\"{Pick(KnownTypes)}\"", Escapes())), "escapes and Unicode"),
            < 94 => (Ascii(random.Next(1, 300)), "random printable ASCII"),
            < 97 => (Padded(random.Next(1000, 4097)), "large, within the limit"),
            < 98 => (Padded(random.Next(4097, 40_000)), "over the limit"),
            _ => (InvalidUtf8(), "invalid UTF-8"),
        };
    }

    private (byte[], string) Deep()
    {
        var depth = random.Next(2) == 0 ? random.Next(1, 70) : random.Next(70, 1300);
        return random.Next(4) switch
        {
            0 => (Utf8(new string('[', depth) + new string(']', depth)), "deeply nested array"),
            1 => (Utf8(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)), "deeply nested, no type"),
            2 => (Utf8($"{{\"type\":\"{Pick(KnownTypes)}\",\"x\":{new string('[', depth)}{new string(']', depth)}}}"), "known type, a deeply nested field"),
            _ => (Utf8($"{{\"type\":\"{RandomString()}\",\"x\":{Nested(depth)}}}"), "unknown type, a deeply nested field"),
        };
    }

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"x\":", depth)) + "0" + new string('}', depth);

    /// <summary>A JSON object with random fields; <paramref name="type"/> (JSON text) as its "type", if given, at a random place.</summary>
    private string Object(int depth, string? type, string? extraValue = null)
    {
        var members = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal) { "type" };
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            var name = random.Next(3) == 0 ? RandomString() : Pick(FieldNames);
            if (names.Add(name))
            {
                members.Add($"\"{name}\":{Value(depth)}");
            }
        }

        if (extraValue is not null)
        {
            members.Add($"\"s\":{extraValue}");
        }

        if (type is not null)
        {
            members.Insert(random.Next(members.Count + 1), $"\"type\":{type}");
        }

        var separator = Pick<string>([",", ", ", ",\n", " ,\t"]);
        return random.Next(4) == 0 ? $"{{ {string.Join(separator, members)} }}" : $"{{{string.Join(separator, members)}}}";
    }

    private string Value(int depth) => random.Next(depth <= 0 ? 5 : 7) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => Pick(Numbers),
        3 or 4 => $"\"{RandomString()}\"",
        5 => $"[{string.Join(',', Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(depth - 1)))}]",
        _ => Object(depth - 1, random.Next(4) == 0 ? $"\"{RandomString()}\"" : null),
    };

    /// <summary>The content of a JSON string: letters, escapes and non-ASCII characters, always valid JSON.</summary>
    private string RandomString()
    {
        var text = new StringBuilder();
        for (var i = random.Next(0, 12); i > 0; i--)
        {
            text.Append(random.Next(10) switch
            {
                0 => Pick<string>(["\\n", "\\\"", "\\\\", "\\/", "\\t", "\\u00e9", "\\ud83c\\udfa4", "\\u0000", "\\b", "\\f"]),
                1 => Pick<string>(["é", "中", "🎤", "ß", "\u200b", "Ω"]),
                _ => (char)random.Next('a', 'z' + 1),
            });
        }

        return text.ToString();
    }

    private string Escapes() => $"\"{string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => Pick<string>(["\\ud800", "\\udfff", "\\u0000", "\\u001f", "\\uFFFF", "\\uFEFF", "🎤", "\\ud83c\\udfa4", "𝄞", "\u0085", "\u2028", "\\u2028"])))}\"";

    /// <summary>A valid JSON text with one random byte edit: most become invalid, some stay valid.</summary>
    private byte[] Mutate(byte[] json)
    {
        var bytes = json.ToList();
        var at = random.Next(bytes.Count);
        switch (random.Next(4))
        {
            case 0:
                bytes.RemoveAt(at);
                break;
            case 1:
                bytes.Insert(at, (byte)Pick<char>(['{', '}', '[', ']', '"', ',', ':', '\\', ' ', 'x', '0']));
                break;
            case 2:
                bytes[at] = (byte)random.Next(0x20, 0x7F);
                break;
            default:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
        }

        return [.. bytes];
    }

    /// <summary>A <c>keepalive</c> padded to exactly <paramref name="size"/> bytes (a valid command when within the limit).</summary>
    private static byte[] Padded(int size)
    {
        var head = """{"type":"keepalive","pad":" """.TrimEnd();
        return Encoding.UTF8.GetBytes(head + new string('x', Math.Max(0, size - head.Length - 2)) + "\"}");
    }

    private byte[] InvalidUtf8()
    {
        if (random.Next(2) == 0)
        {
            byte[] bytes;
            do
            {
                bytes = new byte[random.Next(1, 200)];
                random.NextBytes(bytes);
            }
            while (System.Text.Unicode.Utf8.IsValid(bytes));

            return bytes;
        }

        var json = Utf8(Object(1, $"\"{Pick(KnownTypes)}\""));
        return Splice(json, random.Next(json.Length + 1), Pick(BadUtf8));
    }

    private byte[] Ascii(int length) => Enumerable.Range(0, length).Select(_ => (byte)random.Next(0x20, 0x7F)).ToArray();

    /// <summary>Fragment sizes (some empty) for a message of <paramref name="length"/> bytes; the last fragment takes the rest.</summary>
    private List<int> Fragments(int length, int maxPiece = int.MaxValue)
    {
        var sizes = new List<int>();
        var left = length;
        for (var i = maxPiece == int.MaxValue ? random.Next(1, 7) : int.MaxValue; i > 0 && left > maxPiece; i--)
        {
            var size = Math.Min(maxPiece, random.Next(0, left + 1));
            sizes.Add(size);
            left -= size;
        }

        if (maxPiece == int.MaxValue)
        {
            for (var i = random.Next(1, 6); i > 0; i--)
            {
                var size = random.Next(4) == 0 ? 0 : random.Next(0, left + 1);
                sizes.Add(size);
                left -= size;
            }
        }

        return sizes;
    }

    private static byte[] Splice(byte[] into, int at, byte[] bytes) => [.. into[..at], .. bytes, .. into[at..]];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
