using System.Security.Cryptography;
using System.Text;

namespace OrleansStt.Hosting.Security;

/// <summary>Whether a presented credential is one of the configured ones, in time that reveals nothing of them.</summary>
public static class SecretList
{
    public static bool Contains(IReadOnlyList<string> secrets, string? presented) => IndexOf(secrets, presented) >= 0;

    /// <summary>Which of <paramref name="secrets"/> was presented, or -1.</summary>
    public static int IndexOf(IReadOnlyList<string> secrets, string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return -1;
        }

        // Digests have one length, so the comparison's time reveals neither a key's length nor its
        // position in the list: every key is compared, whatever matched before.
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var found = -1;
        for (var i = 0; i < secrets.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(secrets[i]))))
            {
                found = i;
            }
        }

        return found;
    }
}
