using OrleansStt.Hosting.Security;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// The client credential of PROTOCOL §1 (a Bearer header, or <c>access_token</c> for browsers): an
/// API key, or a short-lived token minted for one (<see cref="SessionTokens"/>); and who the client
/// is for its quotas.
/// </summary>
public static class ApiKeys
{
    /// <summary>Every client of a gateway without keys: nobody to count sessions against but the edge itself.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>
    /// The client a request comes from (<c>key:N</c> for a key or a token minted for it, or
    /// <see cref="Anonymous"/> when no keys are configured), or null when its credential is refused.
    /// </summary>
    public static string? Identify(HttpContext context, IReadOnlyList<string> keys, SessionTokens tokens)
    {
        if (keys.Count == 0)
        {
            return Anonymous;
        }

        var presented = Credentials.Presented(context.Request, allowQuery: true);
        var index = SecretList.IndexOf(keys, presented);
        if (index < 0 && tokens.KeyOf(presented) is { } minted && minted < keys.Count)
        {
            index = minted;
        }

        return index < 0 ? null : $"key:{index}";
    }
}
