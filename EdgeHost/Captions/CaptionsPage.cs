using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Listen;

namespace OrleansStt.EdgeHost.Captions;

/// <summary>
/// The live-captions page at <c>/</c>: a microphone in a browser, talking <c>/v1/listen</c> like
/// any other client. Open to everyone, like the socket it opens (which checks the credential):
/// it holds no secret, and takes a token, never an API key (docs/protocol.md §1.2).
/// </summary>
public static class CaptionsPage
{
    // The page's script and worklet are its own files; it opens sockets and fetches tokens on its
    // own origin only, and may not be framed (no clickjacking of the microphone button).
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static WebApplication MapCaptionsPage(this WebApplication app)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(CaptionsPage).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // A page that must match the edge it talks to is never served stale.
                headers.CacheControl = "no-cache";
            },
        });
        app.MapGet("/captions-config", (IOptions<EdgeOptions> options) => TypedResults.Json(
            new CaptionsConfig(options.Value.CaptionsTokenUrl), EdgeJsonContext.Default.CaptionsConfig));
        return app;
    }
}
