namespace OrleansStt.LoadTest;

/// <summary>CPU in cores (1.0 = one core busy) and RSS in MB of one process over the measured window.</summary>
internal sealed record ProcessUsage(int Pid, string Name, double AvgCores, double MaxCores, double AvgRssMb, double MaxRssMb, int Samples, bool Exited);
