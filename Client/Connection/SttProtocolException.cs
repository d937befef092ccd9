namespace OrleansStt.Client;

/// <summary>The edge sent something PROTOCOL.md §1.2 does not allow (not JSON, no <c>seq</c>, a known type missing a field, a binary frame).</summary>
public sealed class SttProtocolException(string message, string raw, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The offending frame as text.</summary>
    public string Raw { get; } = raw;
}
