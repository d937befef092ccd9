namespace OrleansStt.Client;

public sealed record TranscriptMessage(bool IsFinal, string Language, string Text, long StartMs, long EndMs)
    : ResultMessage(IsFinal, Language, Text, StartMs, EndMs)
{
    public override string Type => "transcript";
}
