using System.Text.Json;
using System.Text.Unicode;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>
/// docs/protocol.md §1.4 ("Client → edge messages", "Malformed input") and the conventions at its
/// top, written down as code: the documented answer to a text frame, from the docs alone.
/// </summary>
public static class TextFrameDocs
{
    /// <summary><c>Stt:Edge:MaxControlFrameBytes</c>, the default (the fixture does not set it).</summary>
    public const int MaxControlFrameBytes = 4096;

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    public static FrameAnswer Answer(byte[] payload)
    {
        // "text frame larger than Stt:Edge:MaxControlFrameBytes": the whole message, fragmented or not.
        if (payload.Length > MaxControlFrameBytes)
        {
            return FrameAnswer.PayloadTooLarge;
        }

        // RFC 8259 §8.1 lets a parser ignore a byte order mark, or not: the docs do not say which.
        if (payload.AsSpan().StartsWith(Bom))
        {
            return Answer(payload[Bom.Length..]) == FrameAnswer.BadRequest ? FrameAnswer.BadRequest : FrameAnswer.IgnoredOrBadRequest;
        }

        // "text frame that is not valid UTF-8": the connection is failed with 1007 (RFC 6455 §8.1).
        if (!Utf8.IsValid(payload))
        {
            return FrameAnswer.InvalidUtf8;
        }

        JsonDocument json;
        try
        {
            // "JSON nested deeper than 64 levels" is not taken as JSON.
            json = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return FrameAnswer.BadRequest; // "not JSON"
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return FrameAnswer.BadRequest; // "not an object", or null
            }

            var answer = AnswerObject(root);

            // An escaped lone surrogate ("\ud800") anywhere: valid JSON syntax, but not a string of
            // Unicode characters, and RFC 8259 §8.2 calls what a parser does with it unpredictable.
            // The docs leave it open: no answer and bad_request are both taken.
            return answer == FrameAnswer.Ignored && HasLoneSurrogate(root) ? FrameAnswer.IgnoredOrBadRequest : answer;
        }
    }

    private static FrameAnswer AnswerObject(JsonElement root)
    {
        var types = root.EnumerateObject().Where(p => p.NameEquals("type")).Select(p => p.Value).ToList();
        if (types.Count != 1)
        {
            // No "type": bad_request. The same name twice: the docs leave it open (generated inputs avoid it).
            return types.Count == 0 ? FrameAnswer.BadRequest : FrameAnswer.IgnoredOrBadRequest;
        }

        var type = types[0];
        if (type.ValueKind != JsonValueKind.String)
        {
            // A "type" of null, a number, an object… is no type: bad_request, like an object without one.
            return FrameAnswer.BadRequest;
        }

        if (!TryText(type, out var name))
        {
            return FrameAnswer.IgnoredOrBadRequest;
        }

        // Known types do their thing (no answer in a session without audio); "any other type" is ignored.
        return name == "close_stream" ? FrameAnswer.CloseStream : FrameAnswer.Ignored;
    }

    /// <summary>Whether any property name or string in the document holds an unpaired surrogate.</summary>
    private static bool HasLoneSurrogate(JsonElement root)
    {
        var pending = new Stack<JsonElement>([root]);
        while (pending.TryPop(out var element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        string name;
                        try
                        {
                            name = property.Name;
                        }
                        catch (InvalidOperationException)
                        {
                            return true;
                        }

                        if (IsBroken(name))
                        {
                            return true;
                        }

                        pending.Push(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        pending.Push(item);
                    }

                    break;
                case JsonValueKind.String when !TryText(element, out _):
                    return true;
            }
        }

        return false;
    }

    /// <summary>A string's text; false when it holds an unpaired surrogate.</summary>
    private static bool TryText(JsonElement element, out string text)
    {
        try
        {
            text = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }

        return !IsBroken(text);
    }

    private static bool IsBroken(string text) => text.Where((c, i) => char.IsHighSurrogate(c)
        ? i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])
        : char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]))).Any();
}
