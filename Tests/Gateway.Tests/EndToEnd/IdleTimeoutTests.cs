using System.Net.WebSockets;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;
using OrleansStt.InferenceSim;

namespace OrleansStt.Gateway.Tests.EndToEnd;

public sealed class IdleTimeoutTests
{
    [Fact]
    public async Task Silent_session_is_closed_with_idle_timeout_while_keepalive_holds_another_open()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions());
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Stt:Backends:0:Id"] = "gpu-1",
            ["Stt:Backends:0:Url"] = server.StreamUri.ToString(),
            ["Stt:Session:IdleTimeout"] = "00:00:02",
        });
        await using var silent = await SttSession.ConnectAsync(new(gateway.ListenUri));
        await using var chatty = await SttSession.ConnectAsync(new(gateway.ListenUri));
        var silentMessages = Conversation.ReadToEndAsync(silent);

        // Keepalives every 300 ms keep the chatty session alive well past the silent one's timeout.
        for (var i = 0; i < 15; i++)
        {
            await chatty.SendKeepaliveAsync();
            await Task.Delay(300);
        }

        var messages = await silentMessages;
        Assert.Equal("idle_timeout", Assert.IsType<ClosedMessage>(messages[^1]).Reason);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, silent.CloseStatus);
        Assert.Equal(WebSocketState.Open, chatty.State);

        await chatty.SendCloseStreamAsync();
        Assert.Equal("client_closed", Assert.IsType<ClosedMessage>((await Conversation.ReadToEndAsync(chatty))[^1]).Reason);
        Assert.Equal(0, await Eventually.Equal(0, () => gateway.ActiveLeasesAsync(["gpu-1"])));
        Assert.Equal(0, await Eventually.Equal(0, gateway.SessionActivationsAsync));
        Assert.Equal(0, server.Stats.ActiveStreams);
    }
}
