namespace OrleansStt.EdgeHost.Listen;

/// <summary>The answer to <c>POST /v1/tokens</c>: a token for <c>access_token</c>, good for <c>expires_in</c> seconds.</summary>
public sealed record TokenGrant(string Token, int ExpiresIn);
