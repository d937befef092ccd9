using System.Net;
using System.Net.Sockets;

namespace OrleansStt.LoadTest;

/// <summary>Loopback ports nothing listens on, for a topology that must not collide with anything already running.</summary>
internal static class FreePort
{
    /// <summary>
    /// One the kernel picked and released. Another process could take it before ours binds it; ports
    /// are taken from the ephemeral range, so that is rare, and the process then fails its health wait loudly.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
