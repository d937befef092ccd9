namespace OrleansStt.Client;

/// <summary>A recognition result, transcript or translation: the messages latency is measured on.</summary>
public abstract record ResultMessage(bool IsFinal, string Language, string Text, long StartMs, long EndMs) : ServerMessage;
