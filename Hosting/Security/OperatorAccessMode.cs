namespace OrleansStt.Hosting.Security;

/// <summary>
/// How this host guards its operator endpoints when no operator key is configured: open for the
/// single-process gateway on a developer's machine, closed in a cluster. And the clients' keys, so
/// that a client is told 403 rather than 401.
/// </summary>
public sealed record OperatorAccessMode(bool OpenWithoutKeys, IReadOnlyList<string> ClientKeys);
