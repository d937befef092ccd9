namespace OrleansStt.InferenceSim;

internal readonly record struct StoppedMessage
{
    public string Type => "stopped";
}
