using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// Short-lived browser tokens (<c>POST /v1/tokens</c>): a browser must never hold an API key, so a
/// customer's backend trades its key for a token that opens sessions for
/// <see cref="EdgeOptions.TokenLifetime"/> under that key's limits. A token is
/// <c>v1.KEY.EXPIRES.MAC</c>: the key's position in <c>Stt:Edge:ApiKeys</c>, the expiry in Unix
/// seconds, and an HMAC-SHA256 of both under <see cref="EdgeOptions.TokenSecret"/>, so any edge
/// sharing the secret checks it without a lookup.
/// </summary>
public sealed class SessionTokens
{
    private const string Version = "v1";

    private readonly byte[] _secret;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    public SessionTokens(IOptions<EdgeOptions> options, TimeProvider time)
    {
        // Without a configured secret, this edge's tokens are good on this edge only, until it restarts.
        _secret = options.Value.TokenSecret is { Length: > 0 } secret ? Encoding.UTF8.GetBytes(secret) : RandomNumberGenerator.GetBytes(32);
        _lifetime = options.Value.TokenLifetime;
        _time = time;
    }

    public TimeSpan Lifetime => _lifetime;

    public string Mint(int keyIndex)
    {
        var expires = _time.GetUtcNow().Add(_lifetime).ToUnixTimeSeconds();
        var claims = $"{Version}.{keyIndex.ToString(CultureInfo.InvariantCulture)}.{expires.ToString(CultureInfo.InvariantCulture)}";
        return $"{claims}.{Mac(claims)}";
    }

    /// <summary>The key a valid, unexpired token was minted for; null for anything else.</summary>
    public int? KeyOf(string? token)
    {
        if (token is null || token.Split('.') is not [Version, var key, var expires, var mac]
            || !int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var keyIndex)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return null;
        }

        var expected = Encoding.ASCII.GetBytes(Mac($"{Version}.{key}.{expires}"));
        var valid = CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(mac));
        return valid && _time.GetUtcNow().ToUnixTimeSeconds() < expiresAt ? keyIndex : null;
    }

    private string Mac(string claims) =>
        Convert.ToBase64String(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(claims))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
