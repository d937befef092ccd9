using System.Net;
using System.Net.Sockets;

namespace OrleansStt.Gateway.Tests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of an edge whose connections can be cut at once, as a
/// network change cuts a phone's: both ends see a reset, no WebSocket close.
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(TcpClient Client, TcpClient Upstream)> _pairs = [];
    private readonly Task _accepting;

    public DroppingProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Dropped { get; private set; }

    public void DropAll()
    {
        lock (_gate)
        {
            foreach (var (client, upstream) in _pairs)
            {
                // Linger 0: closing sends a reset, as a vanished network path would.
                client.Client.LingerState = new LingerOption(true, 0);
                upstream.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                upstream.Dispose();
                Dropped++;
            }

            _pairs.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            var pair = (client, upstream);
            lock (_gate)
            {
                _pairs.Add(pair);
            }

            _ = Task.WhenAll(RelayAsync(client, upstream), RelayAsync(upstream, client)).ContinueWith(
                _ => Forget(pair), TaskScheduler.Default);
        }
    }

    private async Task RelayAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // A dropped or finished connection: the other direction sees it too.
        }

        lock (_gate)
        {
            from.Dispose();
            to.Dispose();
        }
    }

    private void Forget((TcpClient, TcpClient) pair)
    {
        lock (_gate)
        {
            _pairs.Remove(pair);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        DropAll();
        _stop.Dispose();
    }
}
