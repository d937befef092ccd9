namespace OrleansStt.LoadTest;

/// <summary>A <c>transcript</c> with <c>is_final</c> true, as received.</summary>
internal sealed record ReceivedFinal(string Text, long StartMs, long EndMs);
