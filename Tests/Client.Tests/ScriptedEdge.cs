using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansStt.Client.Tests;

/// <summary>
/// A <c>/v1/listen</c> endpoint on a real Kestrel socket at 127.0.0.1 whose every request the test
/// answers by hand, in order (<see cref="NextCallAsync"/>): the edge side of PROTOCOL.md §1.3, scripted.
/// </summary>
public sealed class ScriptedEdge : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly Channel<EdgeCall> _calls;
    private readonly ConcurrentQueue<EdgeCall> _everyCall;

    private ScriptedEdge(WebApplication app, Channel<EdgeCall> calls, ConcurrentQueue<EdgeCall> everyCall, Uri listenUri)
    {
        _app = app;
        _calls = calls;
        _everyCall = everyCall;
        ListenUri = listenUri;
    }

    public Uri ListenUri { get; }

    public static async Task<ScriptedEdge> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        var calls = Channel.CreateUnbounded<EdgeCall>();
        var everyCall = new ConcurrentQueue<EdgeCall>();
        app.Map("/v1/listen", async context =>
        {
            var call = new EdgeCall(context);
            everyCall.Enqueue(call);
            calls.Writer.TryWrite(call);
            // The request lives until the test has answered it.
            await call.Finished;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new ScriptedEdge(app, calls, everyCall, new UriBuilder(address) { Scheme = "ws", Path = "/v1/listen" }.Uri);
    }

    /// <summary>The next request to <c>/v1/listen</c>, within <see cref="Timeout"/>.</summary>
    public async Task<EdgeCall> NextCallAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return await _calls.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Whether a request came that the test has not taken: after a session ended, it must not reconnect.</summary>
    public bool HasUnansweredCall => _calls.Reader.TryPeek(out _);

    public async ValueTask DisposeAsync()
    {
        // A request still held would keep the server's shutdown waiting for its full timeout.
        foreach (var call in _everyCall)
        {
            call.Finish();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
