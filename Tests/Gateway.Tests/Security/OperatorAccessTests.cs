using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.Grains.Interfaces.Backends;
using OrleansStt.Hosting.Security;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>Issue findings 2 and 3, as the attack: a client key, or no key, against the operators' endpoints.</summary>
public sealed class OperatorAccessTests
{
    private const string ClientKey = "client-key";
    private const string OperatorKey = "operator-key";

    [Fact]
    public async Task With_client_keys_and_no_operator_key_the_dashboard_and_fleet_are_closed_to_everyone()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4, new Dictionary<string, string?> { ["Stt:Edge:ApiKeys:0"] = ClientKey });
        using var http = Http(fleet);
        var grainsBefore = await fleet.Gateway.SessionActivationsAsync();

        foreach (var path in new[] { "/dashboard", "/dashboard/Trace", "/dashboard/GrainState?grainId=x&grainType=OrleansStt.Grains.Sessions.SessionGrain", "/v1/backends" })
        {
            using var anonymous = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("unauthorized", (await anonymous.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString());
        }

        using var drain = new HttpRequestMessage(HttpMethod.Post, "/v1/backends/gpu-1/drain");
        drain.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);
        using var drained = await http.SendAsync(drain);

        Assert.Equal(HttpStatusCode.Forbidden, drained.StatusCode);
        Assert.Equal("forbidden", (await drained.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.NotEqual(BackendHealth.Draining, (await fleet.Gateway.Cluster.GetGrain<IBackendPoolGrain>("gpu-1").GetState()).Health);
        Assert.Equal(grainsBefore, await fleet.Gateway.SessionActivationsAsync());
        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task An_operator_key_opens_the_dashboard_and_drains_a_server_and_no_other_key_does()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4, new Dictionary<string, string?>
        {
            ["Stt:Edge:ApiKeys:0"] = ClientKey,
            ["Stt:Operators:Keys:0"] = OperatorKey,
        });
        using var http = Http(fleet);

        // A browser: HTTP Basic, any user name, the key as the password.
        using var dashboard = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        dashboard.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{OperatorKey}")));
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/v1/backends/gpu-1/drain");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey + "x");
        using var drain = new HttpRequestMessage(HttpMethod.Post, "/v1/backends/gpu-1/drain");
        drain.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey);
        // What a forged form post or a cross-site page would carry: the browser's remembered Basic credentials.
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{OperatorKey}")));
        using var forgedPost = new HttpRequestMessage(HttpMethod.Post, "/v1/backends/gpu-1/drain");
        forgedPost.Headers.Authorization = basic;
        using var crossSiteRead = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        crossSiteRead.Headers.Authorization = basic;
        crossSiteRead.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var undrain = new HttpRequestMessage(HttpMethod.Post, "/v1/backends/gpu-1/undrain");
        undrain.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey);

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(dashboard)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(forgedPost)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(crossSiteRead)).StatusCode);
        Assert.NotEqual(BackendHealth.Draining, (await fleet.Gateway.Cluster.GetGrain<IBackendPoolGrain>("gpu-1").GetState()).Health);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(drain)).StatusCode);
        Assert.Equal(BackendHealth.Draining, (await fleet.Gateway.Cluster.GetGrain<IBackendPoolGrain>("gpu-1").GetState()).Health);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(undrain)).StatusCode);
        await fleet.AssertNothingLeakedAsync();
    }

    [Theory]
    [InlineData("REPLACE-ME-operator-key")]
    [InlineData("replace-me")]
    public void A_placeholder_operator_key_is_refused_at_start(string placeholder)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stt:Operators:Keys:0"] = OperatorKey,
            ["Stt:Operators:Keys:1"] = placeholder,
        }).Build();
        using var services = new ServiceCollection().AddLogging()
            .AddOperatorAccess(configuration, new OperatorAccessMode(OpenWithoutKeys: false, ClientKeys: []))
            .BuildServiceProvider();

        var refusal = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OperatorOptions>>().Value);

        Assert.Equal(
            ["Stt:Operators:Keys contains a placeholder starting with 'REPLACE-ME': replace it with a random key (e.g. openssl rand -hex 32; deploy/k8s/base/secret.yaml, docs/security.md)."],
            refusal.Failures);
    }

    private static HttpClient Http(Fleet fleet) =>
        new() { BaseAddress = new UriBuilder(fleet.Gateway.ListenUri) { Scheme = "http", Path = "/" }.Uri };
}
