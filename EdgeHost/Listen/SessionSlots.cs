using Microsoft.Extensions.Options;
using OrleansStt.EdgeHost.Configuration;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// This edge's client sockets, counted against <see cref="EdgeOptions.MaxSessions"/>. A slot is
/// taken before the upgrade and given back when the socket's session ends, on every path.
/// </summary>
public sealed class SessionSlots(IOptions<EdgeOptions> options)
{
    private int _taken;

    public int Taken => Volatile.Read(ref _taken);

    public int Limit => options.Value.MaxSessions;

    public bool TryTake()
    {
        if (Interlocked.Increment(ref _taken) <= Limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _taken);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _taken);
}
