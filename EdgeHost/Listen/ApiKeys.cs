using OrleansStt.Grains.Security;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// The client credential of PROTOCOL §1 (a Bearer header, or <c>access_token</c> for browsers), and
/// who the client is for its quotas. A short-lived browser token would be one more way to name a client here.
/// </summary>
public static class ApiKeys
{
    /// <summary>Every client of a gateway without keys: nobody to count sessions against but the edge itself.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The client a request comes from (<c>key:N</c>, or <see cref="Anonymous"/> when no keys are configured), or null when its credential is refused.</summary>
    public static string? Identify(HttpContext context, IReadOnlyList<string> keys)
    {
        if (keys.Count == 0)
        {
            return Anonymous;
        }

        var index = SecretList.IndexOf(keys, Credentials.Presented(context.Request, allowQuery: true));
        return index < 0 ? null : $"key:{index}";
    }
}
