using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Hosting.Security;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// <c>POST /v1/tokens</c>: a customer's backend, holding an API key, gets a short-lived token for a
/// browser page to pass as <c>access_token</c> (docs/security.md). The key must come in the
/// <c>Authorization: Bearer</c> header: a token cannot mint tokens, and a key never rides in a URL.
/// </summary>
public static class TokenEndpoint
{
    public static IEndpointConventionBuilder MapTokens(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/v1/tokens", Mint);

    private static IResult Mint(HttpContext context, IOptions<EdgeOptions> options, SessionTokens tokens)
    {
        var keys = options.Value.ApiKeys;
        if (keys.Count == 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest,
                "This edge requires no credential (Stt:Edge:ApiKeys is empty): browsers connect without a token.");
        }

        var index = SecretList.IndexOf(keys, Credentials.Presented(context.Request, allowQuery: false));
        if (index < 0)
        {
            return Refuse(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "An API key is required: 'Authorization: Bearer KEY'.");
        }

        return TypedResults.Json(new TokenGrant(tokens.Mint(index), (int)tokens.Lifetime.TotalSeconds), EdgeJsonContext.Default.TokenGrant);
    }

    private static IResult Refuse(int status, string code, string message) =>
        TypedResults.Json(new Refusal(code, message), EdgeJsonContext.Default.Refusal, statusCode: status);
}
