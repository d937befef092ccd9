using OrleansStt.Client;

namespace OrleansStt.Gateway.Tests.Infrastructure;

/// <summary>What one client saw on one session.</summary>
public static class Conversation
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Reads until the server closes the socket (bounded by <see cref="Deadline"/>).</summary>
    public static async Task<List<ServerMessage>> ReadToEndAsync(SttSession session)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var messages = new List<ServerMessage>();
        await foreach (var message in session.ReadAllAsync(deadline.Token))
        {
            messages.Add(message);
        }

        return messages;
    }

    /// <summary>A reader of the session's messages that gives up after <paramref name="deadline"/> (default <see cref="Deadline"/>).</summary>
    public static IAsyncEnumerator<ServerMessage> Reader(SttSession session, TimeSpan? deadline = null) =>
        session.ReadAllAsync(new CancellationTokenSource(deadline ?? Deadline).Token).GetAsyncEnumerator();

    /// <summary>Reads until a message matches; the messages read so far, that one last.</summary>
    public static async Task<List<ServerMessage>> ReadUntilAsync(IAsyncEnumerator<ServerMessage> reader, Func<ServerMessage, bool> until)
    {
        var messages = new List<ServerMessage>();
        while (await reader.MoveNextAsync())
        {
            messages.Add(reader.Current);
            if (until(reader.Current))
            {
                return messages;
            }
        }

        throw new Xunit.Sdk.XunitException($"The socket closed before the awaited message; saw: {string.Join(" | ", messages.Select(m => m.RawJson))}");
    }

    /// <summary>Streams <paramref name="audio"/> in 50 ms frames as fast as the gateway accepts them.</summary>
    public static async Task StreamAsync(SttSession session, byte[] audio, int frameMs = 50)
    {
        var frame = Pcm.BytesPerMs() * frameMs;
        for (var offset = 0; offset < audio.Length; offset += frame)
        {
            await session.SendAudioAsync(audio.AsMemory(offset, Math.Min(frame, audio.Length - offset)));
        }
    }

    public static void AssertGaplessSeq(IReadOnlyList<ServerMessage> messages)
    {
        Assert.Equal(Enumerable.Range(1, messages.Count).Select(i => (long)i), messages.Select(m => m.Seq));
    }
}
