using System.Diagnostics;
using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>Issue finding 4, as the attack: one client hoarding GPU streams, or pushing audio faster than anyone speaks.</summary>
public sealed class FairUseTests
{
    [Fact]
    public async Task Keepalive_only_sockets_hold_no_gpu_stream_after_the_no_audio_timeout()
    {
        await using var fleet = await Fleet.StartAsync(servers: 2, capacity: 60, new Dictionary<string, string?>
        {
            ["Stt:Session:NoAudioTimeout"] = "00:00:02",
        });
        var hoarders = new List<SttSession>();
        for (var i = 0; i < 100; i++)
        {
            hoarders.Add(await SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri) { Resume = SttResumeOptions.Disabled }));
        }

        // Keepalives, and nothing else, until every session is told why it ends.
        var endings = hoarders.Select(async hoarder =>
        {
            var messages = Conversation.ReadToEndAsync(hoarder);
            while (!messages.IsCompleted)
            {
                try
                {
                    await hoarder.SendKeepaliveAsync();
                }
                catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or InvalidOperationException or ObjectDisposedException)
                {
                    break;
                }

                await Task.WhenAny(messages, Task.Delay(250));
            }

            return (await messages)[^1];
        }).ToList();

        var last = await Task.WhenAll(endings);

        Assert.All(last, m => Assert.Equal("no_audio", Assert.IsType<ClosedMessage>(m).Reason));
        await fleet.AssertNothingLeakedAsync();
        foreach (var hoarder in hoarders)
        {
            await hoarder.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_key_at_its_session_limit_gets_429_and_other_keys_do_not()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 8, new Dictionary<string, string?>
        {
            ["Stt:Edge:ApiKeys:0"] = "greedy",
            ["Stt:Edge:ApiKeys:1"] = "modest",
            ["Stt:Edge:MaxSessionsPerClient"] = "3",
        });
        SttConnectOptions As(string key) => new(fleet.Gateway.ListenUri) { ApiKey = key, Resume = SttResumeOptions.Disabled };
        var held = new List<SttSession>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await SttSession.ConnectAsync(As("greedy")));
        }

        var refused = await Assert.ThrowsAsync<SttRejectedException>(() => SttSession.ConnectAsync(As("greedy")));
        await using var other = await SttSession.ConnectAsync(As("modest"));

        Assert.Equal((429, "rate_limited"), (refused.StatusCode, refused.Code));
        Assert.NotNull(refused.RetryAfter);
        Assert.Equal(4, await Eventually.Equal(4, () => fleet.Gateway.ActiveLeasesAsync(fleet.BackendIds)));

        // A slot freed is a slot again.
        await held[0].SendCloseStreamAsync();
        await Conversation.ReadToEndAsync(held[0]);
        await held[0].DisposeAsync();
        held[0] = await ConnectOnceFreedAsync(As("greedy"));

        foreach (var session in held.Append(other))
        {
            await session.SendCloseStreamAsync();
            Assert.IsType<ClosedMessage>((await Conversation.ReadToEndAsync(session))[^1]);
        }

        await fleet.AssertNothingLeakedAsync();
    }

    /// <summary>The edge frees a slot once the closed socket's request ends, a moment after the client sees it close.</summary>
    private static async Task<SttSession> ConnectOnceFreedAsync(SttConnectOptions options)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await SttSession.ConnectAsync(options);
            }
            catch (SttRejectedException refused) when (refused.StatusCode == 429 && attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task Audio_pushed_faster_than_allowed_is_slowed_not_refused_and_none_is_lost()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4, new Dictionary<string, string?>
        {
            ["Stt:Edge:MaxAudioSpeed"] = "1",
            ["Stt:Edge:AudioBurst"] = "00:00:01",
        });
        await using var session = await SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri));
        var audio = Pcm.Tone(500, 4000);
        var started = Stopwatch.StartNew();

        await Conversation.StreamAsync(session, audio);
        await session.SendCloseStreamAsync();
        var messages = await Conversation.ReadToEndAsync(session);

        // 4 s of audio at real time after a 1 s burst cannot be through in less than ~3 s, however
        // fast it was sent: a lower bound, which a slow machine only makes easier to meet.
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(2.5), $"4 s of audio went through in {started.Elapsed.TotalSeconds:0.0} s.");
        Assert.Empty(messages.OfType<ErrorMessage>());
        Assert.Equal(4000, messages.OfType<TranscriptMessage>().Max(t => t.EndMs));
        Assert.IsType<ClosedMessage>(messages[^1]);
        await fleet.AssertNothingLeakedAsync();
    }

    [Fact]
    public async Task A_session_ends_at_its_maximum_lifetime_while_it_streams()
    {
        await using var fleet = await Fleet.StartAsync(servers: 1, capacity: 4, new Dictionary<string, string?>
        {
            ["Stt:Session:MaxLifetime"] = "00:00:02",
        });
        await using var session = await SttSession.ConnectAsync(new SttConnectOptions(fleet.Gateway.ListenUri) { Resume = SttResumeOptions.Disabled });
        var messages = Conversation.ReadToEndAsync(session);

        for (var i = 0; i < 100 && !messages.IsCompleted; i++)
        {
            await session.SendAudioAsync(Pcm.Tone(500, 100));
            await Task.WhenAny(messages, Task.Delay(100));
        }

        Assert.Equal("max_lifetime", Assert.IsType<ClosedMessage>((await messages)[^1]).Reason);
        await fleet.AssertNothingLeakedAsync();
    }
}
