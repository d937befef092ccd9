namespace OrleansStt.LoadTest;

/// <summary>Milliseconds.</summary>
internal sealed record LatencyStats(long Count, double P50, double P90, double P99, double Max, double Mean);
