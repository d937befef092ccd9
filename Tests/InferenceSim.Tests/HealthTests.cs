using System.Net;
using System.Text.Json;

namespace OrleansStt.InferenceSim.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_reports_status_active_streams_and_capacity()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo, Capacity = 5 });
        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync();
        await client.SendAudioAsync(new byte[320]);
        await client.ReceiveAsync();

        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = SimClient.Timeout };
        using var response = await http.GetAsync(new Uri("health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"status":"ok","active_streams":1,"capacity":5,"encodings":["pcm_s16le"]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Uris_point_at_the_bound_port()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions());

        Assert.Equal("http", server.BaseUri.Scheme);
        Assert.Equal("/", server.BaseUri.AbsolutePath);
        Assert.NotEqual(0, server.BaseUri.Port);
        Assert.Equal($"ws://127.0.0.1:{server.BaseUri.Port}/v1/stream", server.StreamUri.ToString());
    }

    [Fact]
    public async Task A_plain_http_request_to_the_stream_endpoint_is_rejected()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions());
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = SimClient.Timeout };

        using var response = await http.GetAsync(new Uri("v1/stream", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri("health", UriKind.Relative)));
        Assert.Equal(0, health.RootElement.GetProperty("active_streams").GetInt32());
    }
}
