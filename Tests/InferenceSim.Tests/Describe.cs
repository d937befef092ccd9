using System.Text.Json;

namespace OrleansStt.InferenceSim.Tests;

/// <summary>Compact one-line renderings of server messages, so sequences compare as string lists.</summary>
public static class Describe
{
    public static string Message(JsonElement message)
    {
        var type = message.GetProperty("type").GetString();
        return type switch
        {
            "partial" or "final" => $"{type} '{message.GetProperty("text").GetString()}' {Span(message)}",
            "translation" => $"translation {message.GetProperty("language").GetString()} final={message.GetProperty("is_final").GetBoolean()} '{message.GetProperty("text").GetString()}' {Span(message)}",
            // The code shows when present, so an expectation without one also says there is none.
            "error" when message.TryGetProperty("code", out var code) => $"error {code.GetString()}: {message.GetProperty("message").GetString()}",
            "error" => $"error {message.GetProperty("message").GetString()}",
            _ => type ?? "<no type>",
        };
    }

    public static List<string> Messages(IEnumerable<JsonElement> messages) => messages.Select(Message).ToList();

    private static string Span(JsonElement message) =>
        $"{message.GetProperty("start_ms").GetInt64()}-{message.GetProperty("end_ms").GetInt64()}";
}
