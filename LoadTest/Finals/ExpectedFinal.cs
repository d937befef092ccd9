namespace OrleansStt.LoadTest;

/// <summary>
/// A final the audio a session sent must yield. <see cref="StartMs"/>..<see cref="EndMs"/> is the voiced
/// audio the simulator reports for it; a received final belongs to it when their intervals overlap.
/// </summary>
internal sealed record ExpectedFinal(string Text, long StartMs, long EndMs);
