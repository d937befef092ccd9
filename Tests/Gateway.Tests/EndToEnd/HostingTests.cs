using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Grains.Configuration;

namespace OrleansStt.Gateway.Tests.EndToEnd;

[Collection(GatewayCollection.Name)]
public sealed class HostingTests(GatewayFixture fixture)
{
    private Uri Http(string path) => new UriBuilder(fixture.Gateway.ListenUri) { Scheme = "http", Path = path }.Uri;

    [Fact]
    public async Task Embedded_edge_serves_health_and_the_orleans_dashboard()
    {
        using var http = new HttpClient();

        var health = await http.GetFromJsonAsync<Dictionary<string, object>>(Http("/healthz"));
        using var dashboard = await http.GetAsync(Http("/dashboard"));

        Assert.Equal("ok", health!["status"].ToString());
        Assert.Equal("10000", health["max_sessions"].ToString());
        Assert.True(health.ContainsKey("sessions"));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("html", dashboard.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void Invalid_backend_configuration_is_reported_key_by_key()
    {
        var options = new SttOptions
        {
            Backends =
            [
                new BackendOptions { Id = "gpu-1", Url = new Uri("http://gpu-1:9000/v1/stream"), Capacity = 0 },
                new BackendOptions { Id = "gpu-1", Url = new Uri("ws://gpu-2:9000/v1/stream") },
            ],
        };

        var result = new SttOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "Stt:Backends:0:Url must be an absolute ws:// or wss:// URL (got 'http://gpu-1:9000/v1/stream').",
                "Stt:Backends:0:Capacity must be at least 1 (got 0).",
                "Stt:Backends:1:Id 'gpu-1' is used by another backend.",
            ],
            result.Failures);
        Assert.True(new SttOptionsValidator().Validate(null, new SttOptions()).Failed);
        Assert.Same(ValidateOptionsResult.Success, new SttOptionsValidator().Validate(null, new SttOptions { Backends = [options.Backends[1]] }));
    }

    [Fact]
    public void Invalid_edge_configuration_is_reported_key_by_key()
    {
        var options = new EdgeOptions { MaxSessions = 0, OutputQueueLimit = 4, AudioCredit = -1, AudioCreditTime = TimeSpan.FromSeconds(-1), CloseTimeout = TimeSpan.Zero };

        var result = new EdgeOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Stt:Edge:MaxSessions must be at least 1 (got 0).",
                "Stt:Edge:OutputQueueLimit must be at least 16 (got 4).",
                "Stt:Edge:AudioCredit must be between 0 and 1024 (got -1).",
                "Stt:Edge:AudioCreditTime must not be negative (got -00:00:01).",
                "Stt:Edge:CloseTimeout must be a positive duration (got 00:00:00).",
            ],
            result.Failures);
        Assert.Same(ValidateOptionsResult.Success, new EdgeOptionsValidator().Validate(null, new EdgeOptions()));
    }

    [Theory]
    [InlineData("https://elsewhere.example/token")]
    [InlineData("//elsewhere.example/token")]
    [InlineData("/\\elsewhere.example/token")]
    [InlineData("stt-token")]
    public void The_captions_pages_token_url_must_stay_on_the_edges_origin(string tokenUrl)
    {
        var result = new EdgeOptionsValidator().Validate(null, new EdgeOptions { CaptionsTokenUrl = tokenUrl });

        Assert.Equal([$"Stt:Edge:CaptionsTokenUrl must be a path on this origin, starting with one '/' (got '{tokenUrl}')."], result.Failures);
        Assert.Same(ValidateOptionsResult.Success, new EdgeOptionsValidator().Validate(null, new EdgeOptions { CaptionsTokenUrl = "/my-app/stt-token" }));
    }

    [Fact]
    public void The_committed_placeholder_secrets_are_refused_at_start()
    {
        // deploy/k8s/base/secret.yaml's values, deployed unchanged.
        var result = new EdgeOptionsValidator().Validate(null, new EdgeOptions
        {
            TokenSecret = "REPLACE-ME-with-32-or-more-random-characters",
            ApiKeys = ["REPLACE-ME-client-api-key", "a-real-key"],
        });

        Assert.Equal(
            [
                "Stt:Edge:ApiKeys contains a placeholder starting with 'REPLACE-ME': replace it with a random key (e.g. openssl rand -hex 32; docs/security.md).",
                "Stt:Edge:TokenSecret is a placeholder starting with 'REPLACE-ME': replace it with 32 or more random characters (e.g. openssl rand -hex 32; deploy/k8s/base/secret.yaml, docs/security.md).",
            ],
            result.Failures);
        Assert.Same(ValidateOptionsResult.Success, new EdgeOptionsValidator().Validate(null, new EdgeOptions
        {
            TokenSecret = new string('x', 32) + "REPLACE-ME",
            ApiKeys = ["a-real-key"],
        }));
    }
}
