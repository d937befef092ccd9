namespace OrleansStt.Grains.Backends;

/// <summary>The first frame of every backend stream (PROTOCOL §2.1).</summary>
public sealed record BackendStart(
    string SessionId,
    string Language,
    IReadOnlyList<string> Translate,
    int SampleRate,
    string Encoding)
{
    public string Type => "start";
}
