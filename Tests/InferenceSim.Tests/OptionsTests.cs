using Microsoft.Extensions.Options;

namespace OrleansStt.InferenceSim.Tests;

public sealed class OptionsTests
{
    [Fact]
    public async Task Invalid_options_fail_start_with_messages_naming_the_keys()
    {
        var options = new SimulatorOptions { Capacity = 0, ProcessingDelayMs = -1, WordMs = 210 };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SimulatorServer.StartAsync(options));

        Assert.Equal(
            [
                "Simulator:Capacity must be at least 1 (got 0).",
                "Simulator:ProcessingDelayMs must be between 0 and 60000 (got -1).",
                "Simulator:WordMs (210) must be a multiple of Simulator:WindowMs (20).",
            ],
            error.Failures);
    }

    [Fact]
    public async Task Without_a_capacity_the_real_recognizer_takes_two_streams_per_core_and_the_simulations_sixteen()
    {
        await using var sphinx = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Sphinx });
        await using var speech = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Speech });
        await using var configured = await SimulatorServer.StartAsync(new SimulatorOptions { Mode = SimulatorMode.Sphinx, Capacity = 3 });

        Assert.Equal(2 * Environment.ProcessorCount, await CapacityAsync(sphinx));
        Assert.Equal(16, await CapacityAsync(speech));
        Assert.Equal(3, await CapacityAsync(configured));
    }

    [Fact]
    public async Task Language_lists_must_hold_language_tags()
    {
        var options = new SimulatorOptions
        {
            Languages = { "en", "en,ja", "en\n", "zh-Hant-TW" },
            TranslationLanguages = { "", "pt_BR", "DE" },
        };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SimulatorServer.StartAsync(options));

        Assert.Equal(
            [
                "Simulator:Languages:1 must be a BCP 47 language tag such as en or pt-BR (got 'en,ja').",
                "Simulator:Languages:2 must be a BCP 47 language tag such as en or pt-BR (got 'en\n').",
                "Simulator:TranslationLanguages:0 must be a BCP 47 language tag such as en or pt-BR (got '').",
                "Simulator:TranslationLanguages:1 must be a BCP 47 language tag such as en or pt-BR (got 'pt_BR').",
            ],
            error.Failures);
    }

    [Fact]
    public async Task The_standalone_application_binds_the_Simulator_section_case_insensitively()
    {
        await using var app = SimulatorApplication.Create(
            ["--urls", "http://127.0.0.1:0", "--Simulator:Mode=echo", "--Simulator:Capacity=3"]);
        await app.StartAsync().WaitAsync(SimClient.Timeout);
        var baseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");

        using var http = new HttpClient { BaseAddress = baseUri, Timeout = SimClient.Timeout };
        Assert.Contains("\"capacity\":3", await http.GetStringAsync(new Uri("health", UriKind.Relative)));

        await using var client = await SimClient.ConnectAsync(new Uri(baseUri.ToString().Replace("http://", "ws://") + "v1/stream"));
        await client.StartAsync();
        await client.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-10", Describe.Message(await client.ReceiveAsync()));

        await app.StopAsync().WaitAsync(SimClient.Timeout);
    }

    [Fact]
    public async Task A_running_server_keeps_the_options_it_started_with()
    {
        var options = new SimulatorOptions { Mode = SimulatorMode.Echo, Capacity = 4 };
        await using var server = await SimulatorServer.StartAsync(options);
        options.Capacity = 1;
        options.Mode = SimulatorMode.Speech;
        options.Languages.Add("fr");

        await using var client = await SimClient.ConnectAsync(server.StreamUri);
        await client.StartAsync();
        await client.SendAudioAsync(new byte[320]);
        Assert.Equal("partial '' 0-10", Describe.Message(await client.ReceiveAsync()));
    }

    [Fact]
    public async Task Invalid_start_faults_fail_start_with_messages_naming_the_keys()
    {
        var options = new SimulatorOptions { Faults = { SlowMs = -1, Capacity = 0 } };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SimulatorServer.StartAsync(options));

        Assert.Equal(
            ["Simulator:Faults:SlowMs must be at least 0 (got -1).", "Simulator:Faults:Capacity must be at least 1 (got 0)."],
            error.Failures);
    }

    [Fact]
    public async Task Start_faults_come_from_the_options_and_later_changes_to_them_do_not_reach_the_server()
    {
        var options = new SimulatorOptions { Faults = { Stall = true, SlowMs = 7, Capacity = 2 } };
        await using var server = await SimulatorServer.StartAsync(options);
        options.Faults.Stall = false;

        Assert.True(server.Faults.Stall);
        Assert.Equal(7, server.Faults.SlowMs);
        Assert.Equal(2, server.Faults.Capacity);
        Assert.False(server.Faults.Sick);
    }

    private static async Task<int> CapacityAsync(SimulatorServer server)
    {
        using var http = new HttpClient { Timeout = SimClient.Timeout };
        var health = await http.GetStringAsync(new Uri(server.StreamUri.ToString().Replace("ws://", "http://").Replace("/v1/stream", "/health")));
        return System.Text.Json.JsonDocument.Parse(health).RootElement.GetProperty("capacity").GetInt32();
    }
}
