using System.Threading.Channels;

namespace OrleansStt.Client.Tests;

/// <summary>Reads a session in the background, as an application does while it sends; every wait is bounded.</summary>
public sealed class MessageCollector
{
    private readonly Channel<ServerMessage> _messages = Channel.CreateUnbounded<ServerMessage>();
    private readonly List<ServerMessage> _all = [];
    private readonly Task _reading;

    public MessageCollector(SttSession session)
    {
        _reading = Task.Run(async () =>
        {
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await foreach (var message in session.ReadAllAsync(deadline.Token))
                {
                    _all.Add(message);
                    _messages.Writer.TryWrite(message);
                }
            }
            finally
            {
                _messages.Writer.TryComplete();
            }
        });
    }

    /// <summary>Every message yielded so far, in order; read it once the reader has ended.</summary>
    public IReadOnlyList<ServerMessage> All => _all;

    /// <summary>Waits until a message with <paramref name="seq"/> has been yielded.</summary>
    public async Task<ServerMessage> SeqAsync(long seq)
    {
        using var timeout = new CancellationTokenSource(ScriptedEdge.Timeout);
        while (true)
        {
            var message = await _messages.Reader.ReadAsync(timeout.Token);
            if (message.Seq == seq)
            {
                return message;
            }
        }
    }

    /// <summary>Waits for the reader to end: null when ReadAllAsync finished, else what it threw.</summary>
    public async Task<Exception?> EndAsync()
    {
        try
        {
            await _reading.WaitAsync(ScriptedEdge.Timeout);
            return null;
        }
        catch (Exception e) when (e is not TimeoutException)
        {
            return e;
        }
    }
}
