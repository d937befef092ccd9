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
        // Compare-and-swap rather than increment-then-undo, so Taken (reported by /healthz) never
        // exceeds Limit and a free slot is never refused because of a racing refusal.
        for (var taken = Taken; taken < Limit;)
        {
            var seen = Interlocked.CompareExchange(ref _taken, taken + 1, taken);
            if (seen == taken)
            {
                return true;
            }

            taken = seen;
        }

        return false;
    }

    public void Release() => Interlocked.Decrement(ref _taken);
}
