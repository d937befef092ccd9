namespace OrleansStt.InferenceSim;

/// <summary>An in-process simulator on its own Kestrel listener, for embedded mode and tests.</summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int disposed;

    private SimulatorServer(WebApplication app, Uri baseUri)
    {
        this.app = app;
        BaseUri = baseUri;
        StreamUri = new UriBuilder(baseUri)
        {
            Scheme = baseUri.Scheme == Uri.UriSchemeHttps ? Uri.UriSchemeWss : Uri.UriSchemeWs,
            Path = "v1/stream",
        }.Uri;
        Stats = app.Services.GetRequiredService<SimulatorStats>();
        Faults = app.Services.GetRequiredService<SimulatorFaults>();

        // POST /admin/die (when the admin API is on) stops the host's lifetime, which nothing here awaits (there is no RunAsync),
        // so finish the stop from here; when DisposeAsync started the stop, this call just waits for it.
        app.Lifetime.ApplicationStopping.Register(() => _ = Task.Run(() => DisposeAsync().AsTask()));
    }

    /// <summary>The backend URL a gateway connects to, e.g. <c>ws://127.0.0.1:PORT/v1/stream</c>.</summary>
    public Uri StreamUri { get; }

    /// <summary>The HTTP root, e.g. <c>http://127.0.0.1:PORT/</c>; <c>health</c> lives under it.</summary>
    public Uri BaseUri { get; }

    public SimulatorStats Stats { get; }

    /// <summary>
    /// This instance's injected faults, whether or not <see cref="SimulatorOptions.AdminApi"/> is on;
    /// <c>/admin/faults</c>, when mapped, changes the same object.
    /// </summary>
    public SimulatorFaults Faults { get; }

    /// <summary>Starts a simulator listening on <paramref name="url"/>; port 0 picks a free port.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static async Task<SimulatorServer> StartAsync(
        SimulatorOptions options,
        string url = "http://127.0.0.1:0",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(url);

        // Empty, not slim: the host process's configuration (appsettings, ASPNETCORE_*, Kestrel section) must not leak in.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls(url);
        var snapshot = new SimulatorOptions();
        options.CopyTo(snapshot);
        var app = SimulatorApplication.Build(builder, optionsBuilder => optionsBuilder.Configure(snapshot.CopyTo));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        // Kestrel reports the port it actually bound, which is what port 0 needs.
        return new SimulatorServer(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    /// <summary>
    /// Stops listening and aborts every open socket, like a GPU server dying. Returns once stopped, also
    /// when <c>POST /admin/die</c> (or another call) started the stop.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            await stopped.Task;
            return;
        }

        try
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
        finally
        {
            stopped.SetResult();
        }
    }
}
