namespace OrleansStt.Hosting.Process;

/// <summary>
/// Runs socket completions on the socket engine's own threads instead of queueing each to the
/// thread pool. Every audio frame crosses four sockets (client in, GPU out, GPU in, client out);
/// on small machines the extra thread-pool hop and wake-up per completion cost more than the
/// work itself (docs/benchmarks.md). Safe here because nothing on those paths blocks.
/// Kestrel's own inline scheduling (<c>UnsafePreferInlineScheduling</c>) stays off: it would start
/// each client frame's grain call on a socket engine thread, and Orleans pools a call's completion
/// source per thread, without a bound. Taken there and given back on a pool thread, one piled up on
/// the pool threads per frame: the edge's heap grew by ~0.3 MB a second at 6,000 frames/s, without
/// end (docs/benchmarks.md).
/// </summary>
public static class SocketScheduling
{
    // Read once by the runtime when the first socket is created, so this must run before any.
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline completions on unless the operator set the variable either way.</summary>
    public static void PreferInlineCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }
}
