namespace OrleansStt.EdgeHost.Admission;

/// <summary>One window's measurements, the sessions held at its end, the bound on sessions it leaves, and the overload it showed, if any.</summary>
public sealed record LoadWindow(int Probes, int LateProbes, int Deliveries, int LateDeliveries, int Sessions, int Bound, string? Overload);
