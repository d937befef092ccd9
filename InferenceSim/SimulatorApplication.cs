using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansStt.InferenceSim;

/// <summary>Builds the simulator's web application, standalone or in-process.</summary>
public static class SimulatorApplication
{
    /// <summary>
    /// The standalone process: standard .NET configuration (command line, environment, appsettings),
    /// options from the <see cref="SimulatorOptions.SectionName"/> section, validated at start.
    /// </summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        return Build(builder, options => options.BindConfiguration(SimulatorOptions.SectionName));
    }

    internal static WebApplication Build(WebApplicationBuilder builder, Action<OptionsBuilder<SimulatorOptions>> configureOptions)
    {
        var services = builder.Services;
        configureOptions(services.AddOptions<SimulatorOptions>().ValidateOnStart());
        services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>();
        services.AddSingleton(_ => new SimulatorStats());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StreamEndpoint>();
        services.AddRoutingCore();

        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/v1/stream", context => context.RequestServices.GetRequiredService<StreamEndpoint>().HandleAsync(context));
        app.MapGet("/health", WriteHealthAsync);
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var health = new HealthResponse(
            "ok",
            services.GetRequiredService<SimulatorStats>().ActiveStreams,
            services.GetRequiredService<IOptions<SimulatorOptions>>().Value.Capacity);
        return context.Response.WriteAsJsonAsync(health, SimulatorJsonContext.Default.HealthResponse, contentType: null, context.RequestAborted);
    }
}
