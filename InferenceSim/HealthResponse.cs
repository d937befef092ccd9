namespace OrleansStt.InferenceSim;

internal readonly record struct HealthResponse(string Status, int ActiveStreams, int Capacity);
