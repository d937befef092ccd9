using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStt.Grains.Interfaces.Protocol;

namespace OrleansStt.Hosting.Security;

/// <summary>
/// Tells operators from clients by the key a request carries. An operator key makes an
/// <see cref="OperatorAccess.Role"/>; a client key authenticates too, so that a client that reaches
/// an operator endpoint is told 403 (its key is good, just not for this), and nothing else 401.
/// </summary>
internal sealed class OperatorKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemes,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<OperatorOptions> operators,
    OperatorAccessMode mode)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemes, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // A browser sends Basic credentials it remembers with any request to the host, a forged
        // cross-site one included: Basic reads only, and never for another site's page.
        var presented = Credentials.Presented(Request, allowQuery: false, allowBasic: ReadsFromThisSite(Request));
        if (SecretList.Contains(operators.Value.Keys, presented))
        {
            return Task.FromResult(Success(OperatorAccess.Role));
        }

        if (SecretList.Contains(mode.ClientKeys, presented))
        {
            return Task.FromResult(Success("client"));
        }

        return Task.FromResult(presented is null ? AuthenticateResult.NoResult() : AuthenticateResult.Fail("unknown key"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"OrleansStt operators\", charset=\"UTF-8\"";
        return RefuseAsync(StatusCodes.Status401Unauthorized, operators.Value.Keys.Count == 0
            ? "Operator endpoints are closed: no operator key (Stt:Operators:Keys) is configured, and this host is a cluster member or requires client keys."
            : "An operator key is required: 'Authorization: Bearer KEY', or HTTP Basic with the key as the password.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        RefuseAsync(StatusCodes.Status403Forbidden, "This key may stream but not operate the gateway: an operator key (Stt:Operators:Keys) is required.");

    private static bool ReadsFromThisSite(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase);

    private AuthenticateResult Success(string role) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, role)], Scheme.Name)), Scheme.Name));

    private Task RefuseAsync(int status, string message)
    {
        Response.StatusCode = status;
        var code = status == StatusCodes.Status403Forbidden ? "forbidden" : ErrorCodes.Unauthorized;
        return Response.WriteAsJsonAsync(new AccessRefusal(code, message), SecurityJsonContext.Default.AccessRefusal);
    }
}
