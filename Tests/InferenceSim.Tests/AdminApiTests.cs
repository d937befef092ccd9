using System.Net;
using System.Net.WebSockets;

namespace OrleansStt.InferenceSim.Tests;

public sealed class AdminApiTests
{
    private const string AllOff = """{"refuse_connections":false,"stall":false,"slow_ms":0,"sick":false,"draining":false}""";

    [Fact]
    public async Task With_the_default_options_every_admin_route_is_404_while_health_streams_and_in_process_faults_work()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Echo });
        using var http = new SimHttp(server.BaseUri);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("admin/faults")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PutAsync("admin/faults", """{"sick":true}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("admin/faults/reset")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("admin/close-streams")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("admin/fail-streams")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("admin/die")).Status);

        Assert.False(server.Faults.Sick);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health")).Status);
        await using var client = await SimClient.ConnectEchoStreamAsync(server.StreamUri);

        // The in-process handle does not depend on the HTTP API.
        server.Faults.Sick = true;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("health")).Status);
    }

    [Fact]
    public async Task Put_changes_the_given_faults_get_reports_them_and_reset_turns_everything_off()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { AdminApi = true });
        using var http = new SimHttp(server.BaseUri);
        Assert.Equal((HttpStatusCode.OK, AllOff), await http.GetAsync("admin/faults"));

        const string all = """{"refuse_connections":true,"stall":true,"slow_ms":500,"sick":true,"draining":true,"capacity":2}""";
        Assert.Equal((HttpStatusCode.OK, all), await http.PutAsync("admin/faults", all));
        Assert.Equal((HttpStatusCode.OK, all), await http.GetAsync("admin/faults"));
        Assert.True(server.Faults.Stall);
        Assert.Equal(2, server.Faults.Capacity);

        // Absent fields stay; a null capacity removes the override.
        const string some = """{"refuse_connections":false,"stall":true,"slow_ms":500,"sick":false,"draining":true}""";
        Assert.Equal((HttpStatusCode.OK, some), await http.PutAsync("admin/faults", """{"sick":false,"refuse_connections":false,"capacity":null}"""));
        Assert.Equal((HttpStatusCode.OK, some), await http.GetAsync("admin/faults"));

        Assert.Equal((HttpStatusCode.OK, AllOff), await http.PostAsync("admin/faults/reset"));
        Assert.Equal((HttpStatusCode.OK, AllOff), await http.GetAsync("admin/faults"));
        Assert.Null(server.Faults.Capacity);
    }

    [Theory]
    [InlineData("""{"slow_ms":-1}""", "slow_ms must be at least 0 (got -1)")]
    [InlineData("""{"sick":false,"capacity":0}""", "capacity must be an integer of at least 1, or null to remove the override (got 0)")]
    [InlineData("""{"capacity":"2"}""", "capacity must be an integer of at least 1, or null to remove the override (got \\u00222\\u0022)")]
    [InlineData("""{"capacity":1.5}""", "capacity must be an integer of at least 1, or null to remove the override (got 1.5)")]
    [InlineData("""{"sick":false,"stall":"yes"}""", "malformed request: ")]
    [InlineData("""{"sick":false,"stal":true}""", "malformed request: ")]
    [InlineData("""[1]""", "malformed request: ")]
    [InlineData("""{not json""", "malformed request: ")]
    [InlineData("", "expected a JSON object")]
    [InlineData("null", "expected a JSON object")]
    public async Task An_invalid_update_gets_400_and_changes_nothing(string body, string expectedMessage)
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { AdminApi = true });
        server.Faults.Sick = true;
        using var http = new SimHttp(server.BaseUri);

        var (status, answer) = await http.PutAsync("admin/faults", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith($$"""{"code":"bad_request","message":"{{expectedMessage}}""", answer);
        const string unchanged = """{"refuse_connections":false,"stall":false,"slow_ms":0,"sick":true,"draining":false}""";
        Assert.Equal((HttpStatusCode.OK, unchanged), await http.GetAsync("admin/faults"));
    }

    [Fact]
    public async Task A_put_takes_effect_at_once()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { AdminApi = true, Capacity = 4 });
        using var http = new SimHttp(server.BaseUri);

        await http.PutAsync("admin/faults", """{"draining":true,"capacity":3}""");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, """{"status":"draining","active_streams":0,"capacity":3,"encodings":["pcm_s16le"]}"""), await http.GetAsync("health"));
    }

    [Fact]
    public async Task Close_streams_drops_the_connections()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { AdminApi = true, Mode = SimulatorMode.Echo });
        await using var client = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        using var http = new SimHttp(server.BaseUri);

        Assert.Equal((HttpStatusCode.NoContent, ""), await http.PostAsync("admin/close-streams"));

        await Assert.ThrowsAsync<WebSocketException>(client.ReceiveAsync);
        Assert.Null(client.Socket.CloseStatus);
        await Eventually.TrueAsync(() => server.Stats.ActiveStreams == 0, "the dropped stream is released");
    }

    [Theory]
    [InlineData("""{"message":"out of memory"}""", "error out of memory")]
    [InlineData(null, "error simulated failure")]
    public async Task Fail_streams_sends_the_error_and_closes_with_1011(string? body, string expectedError)
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { AdminApi = true, Mode = SimulatorMode.Echo });
        await using var client = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        using var http = new SimHttp(server.BaseUri);

        Assert.Equal((HttpStatusCode.NoContent, ""), await http.PostAsync("admin/fail-streams", body));

        Assert.Equal(expectedError, Describe.Message(await client.ReceiveAsync()));
        Assert.Equal(WebSocketCloseStatus.InternalServerError, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Die_stops_the_in_process_server()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { AdminApi = true, Mode = SimulatorMode.Echo });
        await using var client = await SimClient.ConnectEchoStreamAsync(server.StreamUri);
        using var http = new SimHttp(server.BaseUri);

        Assert.Equal((HttpStatusCode.Accepted, ""), await http.PostAsync("admin/die"));

        await Assert.ThrowsAsync<WebSocketException>(client.ReceiveAsync);
        await Eventually.TrueAsync(async () => !await CanConnectAsync(server.StreamUri), "the server stops listening");
        Assert.Equal(0, server.Stats.ActiveStreams);

        // DisposeAsync waits for the stop the die request started.
        await server.DisposeAsync().AsTask().WaitAsync(SimClient.Timeout);
    }

    private static async Task<bool> CanConnectAsync(Uri streamUri)
    {
        try
        {
            await using var client = await SimClient.ConnectAsync(streamUri);
            return true;
        }
        catch (WebSocketException)
        {
            return false;
        }
    }
}
