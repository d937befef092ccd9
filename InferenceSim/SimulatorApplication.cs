using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansStt.InferenceSim;

/// <summary>Builds the simulator's web application, standalone or in-process.</summary>
public static class SimulatorApplication
{
    /// <summary>
    /// The standalone process: standard .NET configuration (command line, environment, appsettings),
    /// options from the <see cref="SimulatorOptions.SectionName"/> section, validated at start.
    /// <c>POST /admin/die</c> (with <c>Simulator:AdminApi</c> on) stops it, so <c>RunAsync</c> returns.
    /// </summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var app = Build(builder, options => options.BindConfiguration(SimulatorOptions.SectionName));
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var options = app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
            app.Logger.LogInformation("Recognizer: {Mode} mode, {Capacity} concurrent streams", options.Mode, options.EffectiveCapacity);
        });
        return app;
    }

    internal static WebApplication Build(WebApplicationBuilder builder, Action<OptionsBuilder<SimulatorOptions>> configureOptions)
    {
        var services = builder.Services;
        configureOptions(services.AddOptions<SimulatorOptions>().ValidateOnStart());
        services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>();
        services.AddSingleton(_ => new SimulatorStats());
        services.AddSingleton(provider => new SimulatorFaults(provider.GetRequiredService<IOptions<SimulatorOptions>>().Value));
        services.AddSingleton(provider => new SimulatorCapabilities(provider.GetRequiredService<IOptions<SimulatorOptions>>().Value));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new Sphinx.SphinxDecoderPool(provider.GetRequiredService<IOptions<SimulatorOptions>>().Value.SphinxModel));
        services.AddSingleton<StreamEndpoint>();
        services.AddSingleton<AdminEndpoint>();
        services.AddRoutingCore();

        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/v1/stream", context => context.RequestServices.GetRequiredService<StreamEndpoint>().HandleAsync(context));
        app.MapGet("/health", WriteHealthAsync);
        AdminEndpoint.Map(app, AdminApiRequested(app.Services));
        return app;
    }

    // Routes are fixed before the host starts, so this reads the options ahead of ValidateOnStart. Options that
    // fail to bind or validate make the start fail and say why, so the answer given for them never serves a request.
    private static bool AdminApiRequested(IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<IOptions<SimulatorOptions>>().Value.AdminApi;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            return false;
        }
    }

    // Sick outranks draining: a gateway must not count on the running streams of a sick server.
    private static Task WriteHealthAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var faults = services.GetRequiredService<SimulatorFaults>();
        var status = faults.Sick ? "sick" : faults.Draining ? "draining" : "ok";
        if (status != "ok")
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }

        var capabilities = services.GetRequiredService<SimulatorCapabilities>();
        var health = new HealthResponse(
            status,
            services.GetRequiredService<SimulatorStats>().ActiveStreams,
            faults.EffectiveCapacity,
            capabilities.Encodings,
            capabilities.Languages,
            capabilities.TranslationLanguages);
        return context.Response.WriteAsJsonAsync(health, SimulatorJsonContext.Default.HealthResponse, contentType: null, context.RequestAborted);
    }
}
