using System.Text;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>Family 1: sends upgrade requests over raw keep-alive connections and judges each answer by <see cref="ListenQueryDocs"/>.</summary>
public sealed class QueryFamily(FuzzTarget target, FuzzReport report)
{
    public const string Family = "1 upgrade query";

    // RFC 6455's example key: the key's value plays no part in any answer.
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(15);

    private int _next;

    public async Task RunAsync(IReadOnlyList<QueryInput> inputs, int workers, CancellationToken cancellationToken)
    {
        _next = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(inputs, cancellationToken), cancellationToken)));
    }

    private async Task WorkAsync(IReadOnlyList<QueryInput> inputs, CancellationToken cancellationToken)
    {
        RawHttpConnection? connection = null;
        try
        {
            int index;
            while ((index = Interlocked.Increment(ref _next) - 1) < inputs.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var input = inputs[index];
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(PerInput);
                try
                {
                    RawHttpResponse? response;
                    (connection, response) = await SendAsync(connection, Request(input), deadline.Token);
                    var keep = await JudgeAsync(input, connection, response, deadline.Token);
                    if (!keep)
                    {
                        connection.Dispose();
                        connection = null;
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    report.Discrepancy(Family, input.ToString(), input.Shape, deadline.IsCancellationRequested ? $"no answer within {PerInput.TotalSeconds} s" : $"exception {ex.GetType().Name}", input.Expected.ToString(), ex.Message);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Sends on the kept connection; a kept connection the gateway has meanwhile closed is replaced once.</summary>
    private async Task<(RawHttpConnection, RawHttpResponse?)> SendAsync(RawHttpConnection? kept, byte[] request, CancellationToken cancellationToken)
    {
        if (kept is not null)
        {
            try
            {
                await kept.SendAsync(request, cancellationToken);
                if (await kept.ReadResponseAsync(cancellationToken) is { } response)
                {
                    return (kept, response);
                }
            }
            catch (IOException)
            {
            }

            kept.Dispose();
        }

        var fresh = await RawHttpConnection.ConnectAsync(target.EndPoint, cancellationToken);
        await fresh.SendAsync(request, cancellationToken);
        return (fresh, await fresh.ReadResponseAsync(cancellationToken));
    }

    private byte[] Request(QueryInput input) => input.Flaw switch
    {
        HandshakeFlaw.None => RawHttpConnection.UpgradeRequest(input.Target, target.Host, Key),
        HandshakeFlaw.NoUpgradeHeaders => Encoding.Latin1.GetBytes($"GET {input.Target} HTTP/1.1\r\nHost: {target.Host}\r\n\r\n"),
        HandshakeFlaw.WrongVersion => Encoding.Latin1.GetBytes(
            $"GET {input.Target} HTTP/1.1\r\nHost: {target.Host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: {Key}\r\n\r\n"),
        HandshakeFlaw.BadKey => RawHttpConnection.UpgradeRequest(input.Target, target.Host, "not a key!"),
        HandshakeFlaw.NoKey => Encoding.Latin1.GetBytes(
            $"GET {input.Target} HTTP/1.1\r\nHost: {target.Host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n"),
        _ => RawHttpConnection.UpgradeRequest(input.Target, target.Host, Key, method: "POST", extraHeaders: "Content-Length: 0\r\n"),
    };

    /// <summary>Counts the answer; true when the connection can carry the next request.</summary>
    private async Task<bool> JudgeAsync(QueryInput input, RawHttpConnection connection, RawHttpResponse? response, CancellationToken cancellationToken)
    {
        var expected = input.Expected;
        if (response is null)
        {
            report.Discrepancy(Family, input.ToString(), input.Shape, "connection closed without a response", expected.ToString());
            return false;
        }

        if (response.Status == 101)
        {
            var (outcome, documented) = await FuzzTarget.CloseUpgradedAsync(connection, cancellationToken);
            if (expected.Upgrades && documented)
            {
                report.Documented(Family, outcome);
            }
            else
            {
                report.Discrepancy(Family, input.ToString(), input.Shape, outcome, expected.ToString());
            }

            return false;
        }

        var (code, message, problem) = FuzzTarget.Refusal(response);
        if (problem is not null)
        {
            report.Discrepancy(Family, input.ToString(), input.Shape, $"HTTP {response.Status} without the JSON body", expected.ToString(), problem);
        }
        else if ((response.Status, code) is (401, "unauthorized") or (429, "rate_limited") or (503, "capacity_exhausted"))
        {
            // Refusals the contract allows for any request (§1.1, §1.2): counted, never a failure.
            report.Documented(Family, $"HTTP {response.Status} {code}");
        }
        else if (response.Status == expected.Status && code == expected.Code
                 && (expected.Names.Count == 0 || expected.Names.Any(n => message!.Contains(n, StringComparison.OrdinalIgnoreCase))))
        {
            report.Documented(Family, $"HTTP {response.Status} {code} ({expected.Rule})");
        }
        else
        {
            report.Discrepancy(Family, input.ToString(), input.Shape, $"HTTP {response.Status} {code}", expected.ToString(), $"\"{message}\"");
        }

        return !response.ClosesConnection;
    }
}
