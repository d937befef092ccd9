using System.Net;
using System.Text;
using System.Text.Json;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>The gateway under fuzz: its <c>/v1/listen</c> URI and the raw endpoint behind it.</summary>
public sealed record FuzzTarget(Uri ListenUri)
{
    public const string CloseStream = """{"type":"close_stream"}""";

    public IPEndPoint EndPoint => new(IPAddress.Parse(ListenUri.Host), ListenUri.Port);

    public string Host => $"{ListenUri.Host}:{ListenUri.Port}";

    public Uri Http(string path) => new($"http://{Host}{path}");

    /// <summary>The <c>{"code","message"}</c> of a refusal, or why the response is not one.</summary>
    public static (string? Code, string? Message, string? Problem) Refusal(RawHttpResponse response)
    {
        var body = FuzzReport.Show(response.Body, 120);
        if (response.Header("Content-Type") is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null, $"Content-Type '{response.Header("Content-Type")}', body '{body}'");
        }

        try
        {
            using var json = JsonDocument.Parse(response.Body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                && root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return (code.GetString(), message.GetString(), null);
            }
        }
        catch (JsonException)
        {
        }

        return (null, null, $"a body without string 'code' and 'message': '{body}'");
    }

    /// <summary>
    /// After a 101 on a raw connection: sends <c>close_stream</c> (masked, as a client must), reads to
    /// the gateway's close frame and answers it. The outcome, and whether docs/protocol.md documents it.
    /// </summary>
    public static async Task<(string Outcome, bool Documented)> CloseUpgradedAsync(RawHttpConnection connection, CancellationToken cancellationToken)
    {
        var messages = new List<HeardMessage>();
        await connection.SendFrameAsync(RawFrame.Text, Encoding.UTF8.GetBytes(CloseStream), cancellationToken: cancellationToken);
        while (true)
        {
            var frame = await connection.ReadFrameAsync(cancellationToken);
            if (frame is null)
            {
                return ($"101, then dropped without a close frame after [{string.Join(", ", messages.Select(m => m.Type))}]", false);
            }

            switch (frame.Opcode)
            {
                case RawFrame.Text:
                    messages.Add(HeardMessage.Parse(frame.Payload));
                    break;
                case RawFrame.Ping:
                    await connection.SendFrameAsync(RawFrame.Pong, frame.Payload, cancellationToken: cancellationToken);
                    break;
                case RawFrame.Close:
                    await connection.SendFrameAsync(RawFrame.Close, frame.Payload.Take(2).ToArray(), cancellationToken: cancellationToken);
                    return Judge(messages, frame.CloseStatus);
            }
        }
    }

    private static (string, bool) Judge(List<HeardMessage> messages, int? status)
    {
        var types = string.Join(", ", messages.Select(m => m.Type == "error" ? $"error {m.Code}" : m.Type));
        if (messages is [{ Type: "session" }, .., { Type: "closed", Reason: "client_closed" }] && status == 1000
            && messages.All(m => m.Type is not "error"))
        {
            return ("101, close_stream → closed client_closed, close 1000", true);
        }

        // §1.3: a full fleet answers after the upgrade.
        if (messages is [{ Type: "error", Code: "capacity_exhausted" }] && status == 1013)
        {
            return ("101, error capacity_exhausted, close 1013", true);
        }

        return ($"101, close_stream → [{types}], close {status}", false);
    }
}
