using System.Net.Http.Json;
using System.Text.Json;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Pools;

public sealed class OperationsTests
{
    [Fact]
    public async Task Operators_see_every_pool_and_a_drained_server_gets_no_new_sessions()
    {
        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 8);
        await using var running = await fleet.OpenAsync();
        using var http = new HttpClient { BaseAddress = new UriBuilder(fleet.Gateway.ListenUri) { Scheme = "http", Path = "/" }.Uri };

        var pools = await http.GetFromJsonAsync<JsonElement[]>("/v1/backends");
        Assert.Equal(["gpu-1", "gpu-2"], pools!.Select(p => p.GetProperty("backend_id").GetString()));
        var mine = pools!.Single(p => p.GetProperty("backend_id").GetString() == running.Backend);
        Assert.Equal((8, 1, "Healthy"), (mine.GetProperty("capacity").GetInt32(), mine.GetProperty("active").GetInt32(), mine.GetProperty("health").GetString()));

        // The same figures on the Orleans Dashboard's grain-state page.
        var dashboard = await http.GetStringAsync($"/dashboard/GrainState?grainId={running.Backend}&grainType=OrleansStt.Grains.Backends.BackendPoolGrain");
        Assert.Contains("GetState", dashboard);
        Assert.Contains("Capacity", dashboard);

        using var drained = await http.PostAsync($"/v1/backends/{running.Backend}/drain", null);
        Assert.Equal("Draining", (await drained.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("health").GetString());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.PostAsync("/v1/backends/no-such-gpu/drain", null)).StatusCode);

        for (var i = 0; i < 4; i++)
        {
            await using var fresh = await fleet.OpenAsync();
            Assert.NotEqual(running.Backend, fresh.Backend);
            await fresh.CloseAsync();
        }

        await Conversation.StreamAsync(running.Session, OrleansStt.Client.Pcm.Tone(500, 200));
        Assert.Empty((await running.CloseAsync()).OfType<OrleansStt.Client.ErrorMessage>());
        using var undrained = await http.PostAsync($"/v1/backends/{running.Backend}/undrain", null);
        Assert.Equal("Healthy", (await undrained.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("health").GetString());
        await fleet.AssertNothingLeakedAsync();
    }
}
