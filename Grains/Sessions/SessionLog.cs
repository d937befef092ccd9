using OrleansStt.Grains.Interfaces.Protocol;

namespace OrleansStt.Grains.Sessions;

/// <summary>
/// Gives each message for the client its <c>seq</c> and keeps the most recent ones, bounded in count
/// and bytes, so that a resume (PROTOCOL §1.3) or an edge that missed some can get them again.
/// Messages are kept as they are, with no wrapper: at thousands of results per second the log's
/// retained objects are what the garbage collector pays for (docs/benchmarks.md).
/// </summary>
internal sealed class SessionLog(int maxMessages, int maxBytes)
{
    // A message's cost for the byte cap: its text, plus what a record of it costs beyond that.
    private const int Overhead = 64;

    private readonly Queue<ClientMessage> _messages = new();
    private long _bytes;

    // Only a session's last message closes the socket, so one close status is all the log holds.
    private int? _lastCloseStatus;

    /// <summary>The <c>seq</c> of the last message; the next gets one more.</summary>
    public long LastSeq { get; private set; }

    public int Count => _messages.Count;

    /// <summary>Stamps <paramref name="message"/> with the next <c>seq</c> and keeps it.</summary>
    public LoggedMessage Append(ClientMessage message, int? closeStatus)
    {
        var stamped = message with { Seq = ++LastSeq };
        _messages.Enqueue(stamped);
        _lastCloseStatus = closeStatus;
        _bytes += Cost(stamped);
        while (_messages.Count > maxMessages || (_bytes > maxBytes && _messages.Count > 1))
        {
            _bytes -= Cost(_messages.Dequeue());
        }

        return new LoggedMessage(stamped, closeStatus);
    }

    /// <summary>True when every message after <paramref name="seq"/> is still kept (none at all when it is the last).</summary>
    public bool HoldsAfter(long seq) =>
        seq >= 0 && seq <= LastSeq && (seq == LastSeq || (_messages.TryPeek(out var oldest) && oldest.Seq <= seq + 1));

    /// <summary>The kept messages after <paramref name="seq"/>, oldest first.</summary>
    public IEnumerable<LoggedMessage> After(long seq) =>
        _messages.Where(m => m.Seq > seq).Select(m => new LoggedMessage(m, m.Seq == LastSeq ? _lastCloseStatus : null));

    /// <summary>Starts a log that goes on from <paramref name="lastSeq"/>, holding <paramref name="kept"/> (a session moved or rebuilt).</summary>
    public void Restore(long lastSeq, IEnumerable<LoggedMessage> kept)
    {
        _messages.Clear();
        _bytes = 0;
        _lastCloseStatus = null;
        LastSeq = lastSeq;
        foreach (var logged in kept)
        {
            _messages.Enqueue(logged.Message);
            _bytes += Cost(logged.Message);
            _lastCloseStatus = logged.CloseStatus;
        }
    }

    private static int Cost(ClientMessage message) => Overhead + message switch
    {
        TranscriptMessage t => t.Text.Length,
        TranslationMessage t => t.Text.Length,
        NoticeMessage n => n.Message.Length,
        ErrorMessage e => e.Message.Length,
        _ => 0,
    };
}
