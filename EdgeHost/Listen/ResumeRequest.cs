namespace OrleansStt.EdgeHost.Listen;

/// <summary>A validated resume query (PROTOCOL §1.3): reattach to <see cref="SessionId"/> after <see cref="LastSeq"/>.</summary>
public sealed record ResumeRequest(string SessionId, string ResumeToken, long LastSeq);
