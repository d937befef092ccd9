using OrleansStt.Client;

namespace OrleansStt.Gateway.Tests.Infrastructure;

/// <summary>A client session past its <c>session</c> message, with everything it has read so far.</summary>
public sealed class OpenSession(SttSession session, IAsyncEnumerator<ServerMessage> reader, List<ServerMessage> seen) : IAsyncDisposable
{
    public SttSession Session => session;

    public List<ServerMessage> Seen => seen;

    public string Backend => ((SessionMessage)seen[0]).Backend;

    public async Task ReadUntilAsync(Func<ServerMessage, bool> until) =>
        seen.AddRange(await Conversation.ReadUntilAsync(reader, until));

    /// <summary>Sends <c>close_stream</c> and reads to the end.</summary>
    public async Task<List<ServerMessage>> CloseAsync()
    {
        await session.SendCloseStreamAsync();
        while (await reader.MoveNextAsync())
        {
            seen.Add(reader.Current);
        }

        return seen;
    }

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync();
        await session.DisposeAsync();
    }
}
