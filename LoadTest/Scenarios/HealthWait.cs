using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace OrleansStt.LoadTest;

/// <summary>Bounded waits for a topology's processes to be up, failing with the process's log when one dies or never answers.</summary>
internal static class HealthWait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Until <paramref name="url"/> answers 200 and <paramref name="accept"/> (if any) likes the body.</summary>
    public static async Task HttpAsync(ChildProcess child, Uri url, TimeSpan timeout, Func<string, bool>? accept = null, string? what = null, string? bearer = null)
    {
        var started = Stopwatch.GetTimestamp();
        var last = "no answer";
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            ThrowIfExited(child);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (bearer is not null)
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
                }

                using var response = await Http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && (accept is null || accept(body)))
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}: {Shorten(body)}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(Poll);
        }

        throw new InvalidOperationException($"{child} did not get {what ?? "healthy"} at {url} within {timeout.TotalSeconds:0} s (last: {last}); log {child.LogPath}:\n{child.Tail()}");
    }

    /// <summary>Until a Redis server answers PING.</summary>
    public static async Task RedisAsync(ChildProcess child, int port, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var last = "no answer";
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            ThrowIfExited(child);
            try
            {
                using var client = new TcpClient();
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync("127.0.0.1", port, cancel.Token);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), cancel.Token);
                var buffer = new byte[64];
                var read = await stream.ReadAsync(buffer, cancel.Token);
                last = Encoding.ASCII.GetString(buffer, 0, read).Trim();
                if (last == "+PONG")
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(Poll);
        }

        throw new InvalidOperationException($"{child} did not answer PING on port {port} within {timeout.TotalSeconds:0} s (last: {last}); log {child.LogPath}:\n{child.Tail()}");
    }

    private static void ThrowIfExited(ChildProcess child)
    {
        if (child.HasExited)
        {
            throw new InvalidOperationException($"{child} exited while starting; log {child.LogPath}:\n{child.Tail()}");
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
