using System.Text;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>One upgrade request of family 1: the query as sent on the wire (null: no <c>?</c> at all).</summary>
public sealed record QueryInput(string? Query, HandshakeFlaw Flaw, string Shape)
{
    public QueryAnswer Expected { get; } = ListenQueryDocs.Answer(Query, Flaw);

    public string Target => Query is null ? "/v1/listen" : $"/v1/listen?{Query}";

    public override string ToString() => $"{(Flaw == HandshakeFlaw.None ? "" : $"[{Flaw}] ")}{FuzzReport.Show(Target, 200)}";
}

/// <summary>
/// Family 1: random and mutated <c>/v1/listen</c> query strings. Every query uses only characters a
/// request line may carry (raw bytes that may not are family 4's); anything else is percent-encoded,
/// validly or not.
/// </summary>
public sealed class QueryFuzzer(Random random)
{
    /// <summary>Valid queries open real sessions; this many keep the family fast and the GPU pools unstrained.</summary>
    public const int MaxUpgrades = 150;

    // Characters RFC 3986 allows in a query (plus '%'), '&' and '=' included: the structure itself gets fuzzed.
    private const string QueryChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;=:@/?&%";

    private static readonly string[] KnownNames = ["language", "translate", "sample_rate", "encoding", "access_token", "session_id", "resume_token", "last_seq"];

    private static readonly string[] GoodLanguages = ["en", "EN", "de", "pt-BR", "zh-Hant-TW", "fra", "en-US", "sr-Latn-RS", "de-1996", "abc-12345678", "e%6E", "ja"];

    private static readonly string[] BadLanguages =
    [
        "", "e", "engl", "en_US", "en-", "-en", "en--US", "en-a", "en-abcdefghi", "en%0A", "en%0D%0A", "en%0D", "%0Aen", "en%00",
        "en%20", "%20en", "en+", "en+US", "%C3%ABn", "en%FF", "12", "e1", "en-US-", "en%2F", "en.US", "en%09", "en%0A%0A",
        "e%6E%0A", "%E2%80%8Ben", "en%E2%80%8B", "%EF%BC%A5%EF%BC%AE", "en-US%0A", "zh-Hant-TW%0A", "en;", "en%2Cde", "*", "en%",
    ];

    private static readonly string[] GoodTranslations = ["", "ja", "ja,de", "ja,de,fr,es,it,ko,zh,ru", "en", "pt-BR,zh-Hant", "ja%2Cde", "JA,de"];

    private static readonly string[] BadTranslations =
    [
        "ja,", ",ja", "ja,,de", ",", "ja,%20de", "ja,+de", "ja,JA", "ja,de,ja", "ja,de,fr,es,it,ko,zh,ru,pt", "ja%0A", "j", "ja;de",
        "ja%2C%2Cde", "ja,de%0A", "%0A", "ja,de,", "ja%2C", "ja,en_US", "ja,d%C3%A9",
    ];

    private static readonly string[] GoodSampleRates = ["8000", "16000", "192000", "44100", "016000", "00008000", "48000"];

    private static readonly string[] BadSampleRates =
    [
        "", "7999", "192001", "0", "-16000", "+16000", "%2B16000", "16000.0", "1e4", "16%20000", "16000%0A", "%2016000", "0x3E80",
        "%D9%A1%D9%A6%D9%A0%D9%A0%D9%A0", "%EF%BC%91%EF%BC%96%EF%BC%90%EF%BC%90%EF%BC%90", "99999999999999999999", "2147483648",
        "4294983296", "16000abc", "sixteen", "16_000", "16,000", "NaN", "Infinity", "16000+", "1.6e4",
    ];

    private static readonly string[] BadEncodings =
    [
        "", "PCM_S16LE", "pcm-s16le", "pcm+s16le", "pcm%20s16le", "pcm_s16le%0A", "pcm_s16le%00", "pcm.s16le", "%C3%A9", "pcm_s16le%0D%0A",
        "Pcm_s16le", "pcm_s16le%20", "%0Apcm_s16le", "pcm/s16le", "pcm_s16le;", "pcm_%C5%BF16le", new string('a', 33),
    ];

    /// <summary>Well-formed names of encodings not in <c>Stt:Edge:Encodings</c>: refused at the edge, before any GPU server sees them.</summary>
    private static readonly string[] UnsupportedEncodings = ["opus", "mulaw", "pcm_f32le", "pcm_s16be", "flac", "a", "pcm_s16le_"];

    private static readonly string[] BadTokens = ["", "abc=", "abc+def", "abc/def", "abc%2Fdef", "abc%0A", "abc.def", "%C3%A9", "abc%3D", "a+b", "a%20b", "abc%00"];

    private static readonly string[] BadLastSeqs = ["", "-1", "+1", "%2B1", "1.5", "1e3", "%201", "1%0A", "0x10", "abc", "1%2C2", "%D9%A1", "1_000"];

    // Digits only, so well-formed by the docs, though beyond a 64-bit integer.
    private static readonly string[] HugeLastSeqs = ["9223372036854775808", "99999999999999999999999999"];

    private static readonly string[] UnknownNames =
    [
        "foo", "lang", "languages", "sample-rate", "samplerate", "sample_rate_", "encoding2", "x", "%C3%A9t%C3%A9", "callback", "__proto__",
        "constructor", "%26", "%3D", "language%00", "LANGUAGE%0A", "token", "session", "resume", "seq", "last-seq", "sessionid",
        "language%20", "%20language", "translate%5B%5D", "language%5B0%5D", "a.b", "%E2%80%8Blanguage", "%F0%9F%8E%A4",
    ];

    private static readonly string[] InvalidEscapes = ["%", "%Z", "%ZZ", "%G0", "%%", "%%41", "%4", "%u0041", "%E2%82", "%C0%80", "%ED%A0%80", "%F4%90%80%80", "%FF%FE"];

    private int _upgrades;

    /// <summary>
    /// <paramref name="count"/> inputs; <paramref name="liveSessionId"/> is a session that stays open
    /// meanwhile, which resumes with a wrong token must leave alone.
    /// </summary>
    public List<QueryInput> Generate(int count, string liveSessionId)
    {
        var inputs = Probes(liveSessionId);
        _upgrades = inputs.Count(i => i.Expected.Upgrades);
        while (inputs.Count < count)
        {
            var input = Next(liveSessionId);
            if (input.Expected.Upgrades && _upgrades >= MaxUpgrades)
            {
                continue;
            }

            _upgrades += input.Expected.Upgrades ? 1 : 0;
            inputs.Add(input);
        }

        return inputs;
    }

    /// <summary>Inputs every run sends: the edges the docs spell out.</summary>
    private static List<QueryInput> Probes(string live)
    {
        var hex = new string('a', 32);
        List<QueryInput> probes =
        [
            new(null, HandshakeFlaw.None, "probe"),
            new("", HandshakeFlaw.None, "probe"),
            new("&&&", HandshakeFlaw.None, "probe"),
            new("language=en%0A", HandshakeFlaw.None, "probe"),
            new("language=en%0D%0A", HandshakeFlaw.None, "probe"),
            new("translate=ja%0A", HandshakeFlaw.None, "probe"),
            new("encoding=pcm_s16le%0A", HandshakeFlaw.None, "probe"),
            new("sample_rate=16000%0A", HandshakeFlaw.None, "probe"),
            new("Language=en", HandshakeFlaw.None, "probe"),
            new("Language=en&language=en", HandshakeFlaw.None, "probe"),
            new("foo=1&FOO=2", HandshakeFlaw.None, "probe"),
            new("=a&=b", HandshakeFlaw.None, "probe"),
            new("language", HandshakeFlaw.None, "probe"),
            new("translate=", HandshakeFlaw.None, "probe"),
            new("translate=ja,,de", HandshakeFlaw.None, "probe"),
            new("translate=ja,de,fr,es,it,ko,zh,ru,pt", HandshakeFlaw.None, "probe"),
            new("sample_rate=8000", HandshakeFlaw.None, "probe"),
            new("sample_rate=192000", HandshakeFlaw.None, "probe"),
            new("sample_rate=7999", HandshakeFlaw.None, "probe"),
            new("sample_rate=192001", HandshakeFlaw.None, "probe"),
            new("encoding=" + new string('a', 33), HandshakeFlaw.None, "probe"),
            new($"session_id={hex}", HandshakeFlaw.None, "probe"),
            new($"session_id={hex}&resume_token=abc&last_seq=0", HandshakeFlaw.None, "probe"),
            new($"session_id={hex}&resume_token=abc&last_seq=0&sample_rate=1", HandshakeFlaw.None, "probe"),
            new($"session_id={hex.ToUpperInvariant()}&resume_token=abc&last_seq=0", HandshakeFlaw.None, "probe"),
            new($"session_id={hex}&resume_token=abc&last_seq=-1", HandshakeFlaw.None, "probe"),
            new($"session_id={live}&resume_token=wrong&last_seq=0", HandshakeFlaw.None, "probe"),
            new($"session_id={live}&resume_token=wrong&last_seq=1&SESSION_ID={live}", HandshakeFlaw.None, "probe"),
            new("language=en", HandshakeFlaw.NoUpgradeHeaders, "probe"),
            new("language=en", HandshakeFlaw.PostMethod, "probe"),
        ];
        probes.AddRange(HugeLastSeqs.Select(seq => new QueryInput($"session_id={hex}&resume_token=abc&last_seq={seq}", HandshakeFlaw.None, "probe")));
        probes.AddRange(UnsupportedEncodings.Select(encoding => new QueryInput($"encoding={encoding}", HandshakeFlaw.None, "probe")));
        return probes;
    }

    private QueryInput Next(string live)
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 30 => Mutated(1, "one mutation of a valid query"),
            < 44 => Mutated(random.Next(2, 5), "several mutations of a valid query"),
            < 60 => Resume(live),
            < 75 => new(Render(Enumerable.Range(0, random.Next(1, 7)).Select(_ => AnyPair()).ToList()), HandshakeFlaw.None, "random parameters"),
            < 85 => new(RandomChars(random.Next(1, 200)), HandshakeFlaw.None, "random characters"),
            < 93 => RandomBytes(),
            < 97 => Overlong(),
            _ => new(Render(ValidBase()), (HandshakeFlaw)random.Next(1, 6), "not an upgrade"),
        };
    }

    private QueryInput Mutated(int mutations, string shape)
    {
        var pairs = ValidBase();
        for (var i = 0; i < mutations; i++)
        {
            Mutate(pairs);
        }

        return new(Render(pairs), HandshakeFlaw.None, shape);
    }

    /// <summary>A valid new-session query: some of its parameters, in any order and case.</summary>
    private List<(string Name, string? Value)> ValidBase()
    {
        var pairs = new List<(string, string?)>();
        if (random.Next(3) > 0)
        {
            pairs.Add((Cased("language"), Pick(GoodLanguages)));
        }

        if (random.Next(3) == 0)
        {
            pairs.Add((Cased("translate"), Pick(GoodTranslations)));
        }

        if (random.Next(2) == 0)
        {
            pairs.Add((Cased("sample_rate"), Pick(GoodSampleRates)));
        }

        if (random.Next(2) == 0)
        {
            pairs.Add((Cased("encoding"), "pcm_s16le"));
        }

        return [.. pairs.OrderBy(_ => random.Next())];
    }

    private void Mutate(List<(string Name, string? Value)> pairs)
    {
        switch (random.Next(9))
        {
            case 0 or 1 or 2:
                // A known parameter with a bad value (replacing its good one, if any).
                var name = Pick<string>(["language", "translate", "sample_rate", "encoding", "language", "sample_rate"]);
                var bad = name switch
                {
                    "language" => Pick(BadLanguages),
                    "translate" => Pick(BadTranslations),
                    "sample_rate" => random.Next(4) == 0 ? Digits(random.Next(1, 25)) : Pick(BadSampleRates),
                    _ => random.Next(4) == 0 ? Pick(UnsupportedEncodings) : Pick(BadEncodings),
                };
                pairs.RemoveAll(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
                pairs.Insert(random.Next(pairs.Count + 1), (Cased(name), bad));
                break;
            case 3:
                // The same name again: same or other case, same or other value.
                var (dupName, dupValue) = pairs.Count > 0 ? pairs[random.Next(pairs.Count)] : (Pick(KnownNames), "x");
                pairs.Insert(random.Next(pairs.Count + 1), (random.Next(2) == 0 ? dupName : Flip(dupName), random.Next(2) == 0 ? dupValue : Pick(GoodLanguages)));
                break;
            case 4:
                pairs.Insert(random.Next(pairs.Count + 1), (Pick(UnknownNames), RandomChars(random.Next(0, 12)).Replace("&", "", StringComparison.Ordinal)));
                break;
            case 5:
                // An invalid escape somewhere in a value (or a name).
                if (pairs.Count == 0)
                {
                    pairs.Add(("x", Pick(InvalidEscapes)));
                    break;
                }

                var at = random.Next(pairs.Count);
                var value = pairs[at].Value ?? "";
                pairs[at] = (pairs[at].Name, value.Insert(random.Next(value.Length + 1), Pick(InvalidEscapes)));
                break;
            case 6:
                // A value cut short or stretched.
                if (pairs.Count > 0)
                {
                    var cut = random.Next(pairs.Count);
                    var text = pairs[cut].Value ?? "";
                    pairs[cut] = (pairs[cut].Name, random.Next(2) == 0 && text.Length > 0 ? text[..random.Next(text.Length)] : text + text);
                }

                break;
            case 7:
                // A name without '=', or a structural character in the wrong place.
                pairs.Insert(random.Next(pairs.Count + 1), random.Next(2) == 0 ? (Cased(Pick(KnownNames[..4])), null) : (Pick<string>(["", "=", "&", "?"]), Pick<string>(["", "=", "x"])));
                break;
            default:
                // One character of a name or value percent-encoded (the docs decode before validating).
                if (pairs.Count > 0)
                {
                    var enc = random.Next(pairs.Count);
                    pairs[enc] = random.Next(2) == 0 ? (PercentOne(pairs[enc].Name), pairs[enc].Value) : (pairs[enc].Name, PercentOne(pairs[enc].Value ?? ""));
                }

                break;
        }
    }

    private QueryInput Resume(string live)
    {
        var id = Hex(32);
        var token = Token(random.Next(1, 65));
        var seq = Pick<string>(["0", "1", "17", "00007", "9223372036854775807"]);
        var pairs = new List<(string, string?)>();
        var shape = random.Next(10);
        switch (shape)
        {
            case 0:
                // A well-formed resume of a session that does not exist.
                pairs.AddRange([("session_id", id), ("resume_token", token), ("last_seq", seq)]);
                break;
            case 1:
                // The live session, a wrong token.
                pairs.AddRange([("session_id", live), ("resume_token", token), ("last_seq", seq)]);
                break;
            case 2:
                // One or two of the three missing.
                var keep = ListenQueryDocs.ResumeNames.Where(_ => random.Next(2) == 0).DefaultIfEmpty("last_seq").ToList();
                pairs.AddRange(keep.Select(n => (n, (string?)(n == "session_id" ? id : n == "resume_token" ? token : seq))));
                break;
            case 3:
                pairs.AddRange([("session_id", Pick<string>([id.ToUpperInvariant(), id[..31], id + "0", id[..31] + "g", "", id + "%0A", $"{id[..8]}-{id[8..12]}-{id[12..16]}-{id[16..20]}-{id[20..]}", "%20" + id])), ("resume_token", token), ("last_seq", seq)]);
                break;
            case 4:
                pairs.AddRange([("session_id", id), ("resume_token", Pick<string>([.. BadTokens, Token(65), Token(random.Next(66, 300))])), ("last_seq", seq)]);
                break;
            case 5:
                pairs.AddRange([("session_id", id), ("resume_token", token), ("last_seq", random.Next(8) == 0 ? Pick(HugeLastSeqs) : Pick(BadLastSeqs))]);
                break;
            case 6:
                // Well-formed, plus new-session parameters a resume ignores, bad ones too.
                pairs.AddRange([("session_id", id), ("resume_token", token), ("last_seq", seq), ("language", Pick(BadLanguages)), ("sample_rate", Pick(BadSampleRates))]);
                break;
            default:
                pairs.AddRange([(Cased("session_id"), id), (Cased("resume_token"), token), (Cased("last_seq"), seq)]);
                Mutate(pairs);
                break;
        }

        return new(Render([.. pairs.OrderBy(_ => random.Next())]), HandshakeFlaw.None, "resume");
    }

    private (string, string?) AnyPair()
    {
        var name = random.Next(3) == 0 ? Pick(UnknownNames) : Cased(Pick(KnownNames));
        string? value = random.Next(12) switch
        {
            0 => null,
            1 => Pick(GoodLanguages),
            2 => Pick(BadLanguages),
            3 => Pick(BadTranslations),
            4 => Pick(BadSampleRates),
            5 => Pick(BadEncodings),
            6 => Hex(32),
            7 => Token(random.Next(1, 70)),
            8 => Pick(BadLastSeqs),
            9 => Digits(random.Next(1, 8)),
            10 => Pick(InvalidEscapes),
            _ => RandomChars(random.Next(0, 20)).Replace("&", "", StringComparison.Ordinal),
        };
        return (name, value);
    }

    private QueryInput RandomBytes()
    {
        var bytes = new byte[random.Next(1, 120)];
        random.NextBytes(bytes);
        var encoded = string.Concat(bytes.Select(b => $"%{b:X2}"));
        return random.Next(3) switch
        {
            0 => new(encoded, HandshakeFlaw.None, "random bytes, percent-encoded"),
            1 => new($"{Cased(Pick(KnownNames[..4]))}={encoded}", HandshakeFlaw.None, "random bytes in a value"),
            _ => new($"{Cased(Pick(KnownNames[..4]))}={Pick(GoodLanguages)}&{Pick(KnownNames[..4])}={encoded}", HandshakeFlaw.None, "random bytes in a value"),
        };
    }

    private QueryInput Overlong()
    {
        // Long, but inside Kestrel's 8 KB request line: what is longer than that is family 4's.
        var length = random.Next(100, 6000);
        var name = Pick<string>(["language", "translate", "sample_rate", "encoding", "session_id", "resume_token", "last_seq", "foo"]);
        var value = name switch
        {
            "translate" => string.Join(',', Enumerable.Range(0, length / 3).Select(i => $"{(char)('a' + (i / 26 % 26))}{(char)('a' + (i % 26))}")),
            "sample_rate" or "last_seq" => Digits(length),
            "resume_token" => Token(length),
            _ => new string(Pick<char>(['a', 'Z', '9', '-']), length),
        };
        var rest = name is "resume_token" or "last_seq" or "session_id" ? $"&session_id={Hex(32)}&resume_token=abc&last_seq=0".Replace($"&{name}=", $"&x_{name}=", StringComparison.Ordinal) : "";
        return new($"{name}={value}{rest}", HandshakeFlaw.None, "overlong value");
    }

    private static string Render(List<(string Name, string? Value)> pairs) =>
        string.Join('&', pairs.Select(p => p.Value is null ? p.Name : $"{p.Name}={p.Value}"));

    private string Cased(string name) => random.Next(8) == 0 ? Flip(name) : name;

    private string Flip(string name) => random.Next(2) == 0
        ? name.ToUpperInvariant()
        : string.Concat(name.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : c));

    private string PercentOne(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var at = random.Next(text.Length);
        return text[at] == '%' ? text : text[..at] + $"%{(int)text[at]:X2}" + text[(at + 1)..];
    }

    private string RandomChars(int length)
    {
        var chars = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            chars.Append(QueryChars[random.Next(QueryChars.Length)]);
        }

        return chars.ToString();
    }

    private string Digits(int length) => string.Concat(Enumerable.Range(0, length).Select(_ => (char)('0' + random.Next(10))));

    private string Hex(int length) => string.Concat(Enumerable.Range(0, length).Select(_ => "0123456789abcdef"[random.Next(16)]));

    private string Token(int length) => string.Concat(Enumerable.Range(0, length).Select(_ =>
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[random.Next(64)]));

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
