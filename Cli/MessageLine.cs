using System.Globalization;
using OrleansStt.Client;

namespace OrleansStt.Cli;

/// <summary>One readable line per server message, e.g. <c>#2    partial          [0-1280 ms]   183 ms  hello wor</c>.</summary>
internal static class MessageLine
{
    public static string Format(ServerMessage message, TimeSpan? latency)
    {
        var (label, detail) = message switch
        {
            SessionMessage s => ("session", $"{s.SessionId} on {s.Backend}"),
            TranscriptMessage t => (t.IsFinal ? "final" : "partial", Result(t, latency)),
            // "translating" marks a partial translation, still subject to change; "*" one the server only simulated.
            TranslationMessage t => ($"{(t.IsFinal ? "translation" : "translating")} {t.Language}{(t.Simulated ? "*" : "")}", Result(t, latency)),
            NoticeMessage { Code: NoticeMessage.Resumed } n => ("notice", $"resumed: re-sending from audio frame {n.AudioFrames} ({n.AudioMs} ms)"),
            NoticeMessage n => ("notice", $"{n.Code}: {n.Message}"),
            ErrorMessage e => ("error", $"{e.Code}: {e.Message}"),
            ClosedMessage c => ("closed", c.Reason),
            _ => ($"unknown {message.Type}", message.RawJson),
        };
        return string.Create(CultureInfo.InvariantCulture, $"#{message.Seq,-4} {label,-16} {detail}");
    }

    private static string Result(ResultMessage result, TimeSpan? latency)
    {
        var measured = latency is { } l ? $"{l.TotalMilliseconds,5:0} ms" : "    ? ms";
        return string.Create(CultureInfo.InvariantCulture, $"{$"[{result.StartMs}-{result.EndMs} ms]",-18} {measured}  {result.Text}");
    }
}
