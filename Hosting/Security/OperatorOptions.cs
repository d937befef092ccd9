namespace OrleansStt.Hosting.Security;

/// <summary>
/// The operators' credential (<c>Stt:Operators</c>): needed for the Dashboard and for changing the GPU
/// fleet (<c>/v1/backends</c>). Kept apart from the clients' keys, which may only stream.
/// </summary>
public sealed class OperatorOptions
{
    public const string Section = "Stt:Operators";

    /// <summary>
    /// Accepted operator keys (<c>Authorization: Bearer KEY</c>, or HTTP Basic with the key as the
    /// password, which a browser asks for). None: a cluster keeps the operator endpoints closed; a
    /// single-process gateway leaves them open and says so at start-up.
    /// </summary>
    public List<string> Keys { get; set; } = [];
}
