using System.Security.Cryptography;
using System.Text;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>Checks the credential of PROTOCOL §1: a Bearer header, or <c>access_token</c> for browsers.</summary>
public static class ApiKeys
{
    public static bool Admits(HttpRequest request, IReadOnlyList<string> keys)
    {
        if (keys.Count == 0)
        {
            return true;
        }

        var presented = BearerToken(request) ?? request.Query["access_token"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        var admitted = false;
        foreach (var key in keys)
        {
            // Compare against every key in constant time so timing reveals neither key nor position.
            admitted |= CryptographicOperations.FixedTimeEquals(presentedBytes, Encoding.UTF8.GetBytes(key));
        }

        return admitted;
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }
}
