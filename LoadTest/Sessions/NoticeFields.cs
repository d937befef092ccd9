namespace OrleansStt.LoadTest;

/// <summary>
/// Fields of a <c>notice</c> beyond code and message. PROTOCOL.md §1.2 names no backend in a
/// backend_switched notice and its message is free-form, so the new backend is known only if the edge
/// adds a <c>backend</c> field (readers ignore unknown fields, so that is a compatible addition).
/// </summary>
internal sealed record NoticeFields(string? Backend);
