namespace OrleansStt.EdgeHost.Listen;

/// <summary>A client JSON text frame (PROTOCOL §1.1); only <c>type</c> matters, other fields are ignored.</summary>
public sealed record ClientCommand(string? Type);
