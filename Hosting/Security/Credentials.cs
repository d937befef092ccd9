using System.Text;
using Microsoft.AspNetCore.Http;

namespace OrleansStt.Hosting.Security;

/// <summary>
/// Where a request carries its credential: a Bearer header; for an operator's browser reading the
/// Dashboard, the password of HTTP Basic; for a browser's WebSocket, <c>access_token</c>.
/// </summary>
public static class Credentials
{
    private const int MaxBasicLength = 1024;

    /// <summary>
    /// How the committed example secrets begin (deploy/k8s/base/secret.yaml): a key or secret
    /// starting with this is a placeholder everyone who read the repository knows, and the
    /// options validators refuse to start with one.
    /// </summary>
    public const string PlaceholderPrefix = "REPLACE-ME";

    /// <summary>True for a committed placeholder such as <c>REPLACE-ME-operator-key</c>.</summary>
    public static bool IsPlaceholder(string? secret) =>
        secret is not null && secret.TrimStart().StartsWith(PlaceholderPrefix, StringComparison.OrdinalIgnoreCase);

    public static string? Presented(HttpRequest request, bool allowQuery, bool allowBasic = false)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        if (allowBasic && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && BasicPassword(header["Basic ".Length..].Trim()) is { } password)
        {
            return password;
        }

        return allowQuery ? request.Query["access_token"].FirstOrDefault() : null;
    }

    private static string? BasicPassword(string encoded)
    {
        if (encoded.Length > MaxBasicLength)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[MaxBasicLength];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes[..length]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : text[(colon + 1)..];
    }
}
