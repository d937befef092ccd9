using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansStt.Client;
using OrleansStt.EdgeHost.Configuration;
using OrleansStt.EdgeHost.Listen;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>A browser never holds an API key: a backend trades its key for a short-lived token the page passes as access_token.</summary>
public sealed class BrowserTokenTests
{
    private const string Secret = "a-secret-every-edge-of-this-deployment-shares";

    [Fact]
    public void A_token_names_its_key_until_it_expires_and_nothing_else_passes_for_one()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var tokens = new SessionTokens(Options.Create(new EdgeOptions { TokenSecret = Secret, TokenLifetime = TimeSpan.FromSeconds(60) }), time);
        var otherDeployment = new SessionTokens(Options.Create(new EdgeOptions { TokenSecret = Secret + "-elsewhere" }), time);

        var token = tokens.Mint(keyIndex: 1);
        var parts = token.Split('.');
        var forgedKey = string.Join('.', parts[0], "0", parts[2], parts[3]);
        var extended = string.Join('.', parts[0], parts[1], (long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), parts[3]);

        Assert.Equal(1, tokens.KeyOf(token));
        Assert.Null(tokens.KeyOf(forgedKey));
        Assert.Null(tokens.KeyOf(extended));
        Assert.Null(otherDeployment.KeyOf(token));
        Assert.Null(tokens.KeyOf("v1.1.not-a-token"));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, tokens.KeyOf(token));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(tokens.KeyOf(token));
    }

    [Fact]
    public async Task A_backend_mints_a_token_with_its_key_and_a_browser_opens_a_session_with_it()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4, new Dictionary<string, string?>
        {
            ["Stt:Edge:ApiKeys:0"] = "backend-key",
            ["Stt:Edge:TokenSecret"] = Secret,
        });
        using var http = new HttpClient { BaseAddress = new UriBuilder(fleet.Gateway.ListenUri) { Scheme = "http", Path = "/" }.Uri };

        using var anonymous = await http.PostAsync("/v1/tokens", null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tokens");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "backend-key");
        using var granted = await http.SendAsync(request);
        var grant = await granted.Content.ReadFromJsonAsync<JsonElement>();
        var token = grant.GetProperty("token").GetString()!;
        using var tokenMintsToken = new HttpRequestMessage(HttpMethod.Post, "/v1/tokens");
        tokenMintsToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(60, grant.GetProperty("expires_in").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(tokenMintsToken)).StatusCode);

        await using var session = await SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri) { AccessToken = token });
        await Conversation.StreamAsync(session, Pcm.Tone(500, 400));
        await session.SendCloseStreamAsync();
        Assert.IsType<ClosedMessage>((await Conversation.ReadToEndAsync(session))[^1]);

        var refused = await Assert.ThrowsAsync<SttRejectedException>(() =>
            SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri) { AccessToken = token[..^1] + (token[^1] == 'A' ? 'B' : 'A') }));
        Assert.Equal((401, "unauthorized"), (refused.StatusCode, refused.Code));
        await fleet.AssertNothingLeakedAsync();
    }
}
