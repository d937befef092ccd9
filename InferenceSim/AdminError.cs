namespace OrleansStt.InferenceSim;

/// <summary>An <c>/admin</c> request that was refused; nothing was changed.</summary>
internal readonly record struct AdminError(string Code, string Message);
