namespace OrleansStt.Grains.Sessions;

/// <summary>
/// The replay audio all sessions of one silo hold together, against one limit
/// (<c>Stt:Session:ReplayBudgetBytes</c>). A session's window bounds what one session keeps; this
/// bounds what thousands keep at once, whatever their clients send: a session that appends while
/// the silo is over the limit gives up its own oldest audio first. Counted in the pooled blocks
/// the buffers hold, which is the memory they cost.
/// </summary>
public sealed class ReplayBudget(long limitBytes)
{
    private long _held;
    private long _shed;

    public long HeldBytes => Volatile.Read(ref _held);

    /// <summary>Replay audio given up to stay within the limit, since start.</summary>
    public long ShedBytes => Volatile.Read(ref _shed);

    internal bool IsExceeded => Volatile.Read(ref _held) > limitBytes;

    internal void Take(int bytes) => Interlocked.Add(ref _held, bytes);

    internal void Give(int bytes) => Interlocked.Add(ref _held, -bytes);

    internal void Shed(long bytes) => Interlocked.Add(ref _shed, bytes);
}
