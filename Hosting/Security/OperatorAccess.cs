using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansStt.Hosting.Security;

/// <summary>
/// The operator endpoints' guard (docs/security.md), with ASP.NET Core authentication and
/// authorization: <see cref="RequireOperator{TBuilder}"/> on the Dashboard, <c>/v1/backends</c> and <c>/metrics</c>.
/// </summary>
public static partial class OperatorAccess
{
    public const string Role = "operator";

    private const string Scheme = "OperatorKey";
    private const string Policy = "operator";

    public static IServiceCollection AddOperatorAccess(this IServiceCollection services, IConfiguration configuration, OperatorAccessMode mode)
    {
        services.AddOptions<OperatorOptions>().Bind(configuration.GetSection(OperatorOptions.Section))
            .Validate(o => !o.Keys.Any(string.IsNullOrWhiteSpace), "Stt:Operators:Keys must not contain empty keys.")
            .Validate(
                o => !o.Keys.Any(Credentials.IsPlaceholder),
                $"Stt:Operators:Keys contains a placeholder starting with '{Credentials.PlaceholderPrefix}': replace it with a random key (e.g. openssl rand -hex 32; deploy/k8s/base/secret.yaml, docs/security.md).")
            .ValidateOnStart();
        services.AddSingleton(mode);
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, OperatorKeyHandler>(Scheme, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.RequireAssertion(context =>
        {
            var services = ((HttpContext)context.Resource!).RequestServices;
            return context.User.IsInRole(Role)
                || (services.GetRequiredService<OperatorAccessMode>().OpenWithoutKeys && services.GetRequiredService<IOptions<OperatorOptions>>().Value.Keys.Count == 0);
        }));
        services.AddHostedService<OperatorAccessNotice>();
        return services;
    }

    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(Policy);

    /// <summary>Says at start-up how the operator endpoints are guarded, since "open" must never be a surprise.</summary>
    private sealed partial class OperatorAccessNotice(IOptions<OperatorOptions> operators, OperatorAccessMode mode, ILogger<OperatorKeyHandler> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (operators.Value.Keys.Count > 0)
            {
                LogGuarded(logger, operators.Value.Keys.Count);
            }
            else if (mode.OpenWithoutKeys)
            {
                LogOpen(logger);
            }
            else
            {
                LogClosed(logger);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Operator endpoints (/dashboard, /v1/backends, /metrics) need one of {Count} operator keys")]
        private static partial void LogGuarded(ILogger logger, int count);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Operator endpoints (/dashboard, /v1/backends, /metrics) are OPEN to anyone who reaches this port: no Stt:Operators:Keys is set. Fine on a developer's machine; set a key before exposing it (docs/security.md)")]
        private static partial void LogOpen(ILogger logger);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Operator endpoints (/dashboard, /v1/backends, /metrics) are closed: no Stt:Operators:Keys is set, and this host is a cluster member or requires client keys (docs/security.md)")]
        private static partial void LogClosed(ILogger logger);
    }
}
