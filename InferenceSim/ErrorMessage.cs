using System.Text.Json.Serialization;

namespace OrleansStt.InferenceSim;

internal readonly record struct ErrorMessage(string Message)
{
    [JsonPropertyOrder(-1)]
    public string Type => "error";
}
