namespace OrleansStt.InferenceSim;

/// <summary>Receives a recognizer's transcripts; times are audio positions in milliseconds.</summary>
internal interface IResultSink
{
    void Emit(bool isFinal, string text, long startMs, long endMs);
}
