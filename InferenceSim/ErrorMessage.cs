using System.Text.Json.Serialization;

namespace OrleansStt.InferenceSim;

internal readonly record struct ErrorMessage(string Message)
{
    /// <summary>
    /// The <see cref="Code"/> of a refused request: any server would refuse the same <c>start</c>, so a gateway
    /// must not count it against this one (a client could otherwise make a healthy server look broken).
    /// </summary>
    public const string BadRequest = "bad_request";

    [JsonPropertyOrder(-2)]
    public string Type => "error";

    /// <summary>Absent for every failure on the server's side, which is all a gateway could see before codes existed.</summary>
    [JsonPropertyOrder(-1)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Code { get; init; }
}
