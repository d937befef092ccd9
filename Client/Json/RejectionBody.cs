using System.Text.Json;

namespace OrleansStt.Client;

/// <summary>The JSON body of a refused upgrade: <c>{"code":…,"message":…}</c>.</summary>
internal sealed record RejectionBody(string? Code, string? Message)
{
    public static RejectionBody? TryParse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ClientJsonContext.Default.RejectionBody);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
