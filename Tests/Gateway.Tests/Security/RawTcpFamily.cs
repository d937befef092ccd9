using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>
/// Family 4: delivers each <see cref="RawInput"/> on a TCP connection of its own. Documented: the
/// gateway answers with an HTTP error or closes the connection (a close frame once upgraded), and
/// stays up. Not documented: a 5xx other than 503 (505 only for an HTTP version it does not speak),
/// a close 1011, an <c>internal</c> error, a connection left hanging, or bytes that are not HTTP.
/// </summary>
public sealed class RawTcpFamily(FuzzTarget target, FuzzReport report, Func<CancellationToken, Task> beforeSession)
{
    public const string Family = "4 raw TCP";

    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(12);

    private int _next;

    public async Task RunAsync(IReadOnlyList<RawInput> inputs, int parallel, CancellationToken cancellationToken)
    {
        _next = 0;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref _next) - 1) < inputs.Count)
            {
                var input = inputs[index];
                if (input.Upgrades || input.Kind == RawKind.ResetBeforeAnswer)
                {
                    await beforeSession(cancellationToken);
                }

                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(PerInput);
                try
                {
                    var (outcome, documented, detail) = await DeliverAsync(input, deadline.Token);
                    if (documented)
                    {
                        report.Documented(Family, outcome);
                    }
                    else
                    {
                        report.Discrepancy(Family, input.ToString(), input.Shape, outcome, "an HTTP error (not 5xx, bar 503) or the connection closed; never 1011 or internal", detail);
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    report.Discrepancy(Family, input.ToString(), input.Shape, deadline.IsCancellationRequested ? $"no end within {PerInput.TotalSeconds} s" : $"exception {ex.GetType().Name}", "an HTTP error or the connection closed", ex.Message);
                }
            }
        }, cancellationToken)));
    }

    private async Task<(string Outcome, bool Documented, string? Detail)> DeliverAsync(RawInput input, CancellationToken cancellationToken)
    {
        using var connection = await RawHttpConnection.ConnectAsync(target.EndPoint, cancellationToken);
        switch (input.Kind)
        {
            case RawKind.ResetMidRequest:
            case RawKind.ResetBeforeAnswer:
                await connection.SendAsync(input.Bytes, cancellationToken);
                connection.Reset();
                return ("client reset the connection (nothing to answer)", true, null);
            case RawKind.Request when input.Bytes.AsSpan().StartsWith("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8):
                // HTTP/2 with prior knowledge: Kestrel answers in HTTP/2 (SETTINGS, GOAWAY) and closes.
                await SendTolerantAsync(connection, input.Bytes, cancellationToken);
                var (h2, _) = await connection.ReadToEndAsync(cancellationToken);
                var goaway = Http2FrameTypes(h2).Contains(0x7);
                return (goaway ? "HTTP/2 GOAWAY, then closed" : h2.Length == 0 ? "connection closed without a response" : $"HTTP/2 preface answered with {h2.Length} bytes, no GOAWAY", goaway || h2.Length == 0, FuzzReport.Show(h2));
            case RawKind.Request:
                await SendTolerantAsync(connection, input.Bytes, cancellationToken);
                return await AnswerAsync(connection, input.Bytes, cancellationToken);
        }

        await connection.SendAsync(RawHttpConnection.UpgradeRequest("/v1/listen", target.Host, "dGhlIHNhbXBsZSBub25jZQ=="), cancellationToken);
        var upgrade = await connection.ReadResponseAsync(cancellationToken);
        if (upgrade?.Status != 101)
        {
            // A valid handshake refused: only the documented refusals of a busy edge would do.
            var (code, _, _) = upgrade is null ? default : FuzzTarget.Refusal(upgrade);
            return ($"a valid handshake answered {upgrade?.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "with nothing"} {code}", (upgrade?.Status, code) is (429, "rate_limited") or (503, "capacity_exhausted"), null);
        }

        await SendTolerantAsync(connection, input.Bytes, cancellationToken);
        if (input.Kind == RawKind.ResetAfterUpgrade)
        {
            connection.Reset();
            return ("101, then the client reset the connection (nothing to answer)", true, null);
        }

        return await FramesAsync(connection, cancellationToken);
    }

    /// <summary>
    /// The gateway's answer to bytes that were meant as a request. This side ends its half of the
    /// connection (FIN) only when no answer came: within <see cref="ShortWait"/> for bytes without a
    /// complete head (the gateway may be waiting for the rest), <see cref="AnswerWithin"/> for a
    /// complete one. A FIN sent along with the bytes races with their parsing: the gateway then
    /// answers sometimes with a 400 and sometimes by just closing.
    /// </summary>
    private static async Task<(string, bool, string?)> AnswerAsync(RawHttpConnection connection, byte[] request, CancellationToken cancellationToken)
    {
        var complete = request.AsSpan().IndexOf("\r\n\r\n"u8) >= 0 || request.AsSpan().IndexOf("\n\n"u8) >= 0;
        var finSent = false;
        RawHttpResponse? response;
        try
        {
            using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            answer.CancelAfter(complete ? AnswerWithin : ShortWait);
            try
            {
                response = await connection.ReadResponseAsync(answer.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                TryShutdown(connection);
                finSent = true;
                response = await connection.ReadResponseAsync(cancellationToken);
            }
        }
        catch (IOException ex) when (ex.InnerException is SocketException)
        {
            return ("connection reset by the gateway", true, null);
        }
        catch (EndOfStreamException ex)
        {
            return ("connection closed inside a response", false, ex.Message);
        }
        catch (InvalidDataException ex)
        {
            return ("bytes that are not an HTTP response", false, ex.Message);
        }

        if (response is null)
        {
            return ("connection closed without a response", true, null);
        }

        if (response.Status == 101)
        {
            // A mutation that left a valid upgrade: end the session as a client should, if this side still can.
            string frames;
            bool clean;
            if (!finSent)
            {
                (frames, clean) = await FuzzTarget.CloseUpgradedAsync(connection, cancellationToken);
            }
            else
            {
                (frames, clean, _) = await FramesAsync(connection, cancellationToken, finSent: true);
            }

            return ($"101 (still a valid upgrade), then {frames["101, ".Length..]}", clean, null);
        }

        var unsupportedVersion = IsUnsupportedVersion(request);
        var (code, _, problem) = FuzzTarget.Refusal(response);
        var outcome = problem is null ? $"HTTP {response.Status} {code} (JSON body)" : $"HTTP {response.Status}, no JSON body";
        var documented = response.Status is >= 400 and < 500
                         || (response.Status == 503 && code == "capacity_exhausted")
                         || (response.Status == 505 && unsupportedVersion);
        return (outcome + (response.Status == 505 ? " (HTTP version not supported)" : ""), documented && code != "internal", problem);
    }

    /// <summary>After the upgrade and the input: what the gateway sent until it closed.</summary>
    private static async Task<(string, bool, string?)> FramesAsync(RawHttpConnection connection, CancellationToken cancellationToken, bool finSent = false)
    {
        var messages = new List<string>();
        using var closeWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        closeWait.CancelAfter(CloseWithin);
        while (true)
        {
            RawFrame? frame;
            try
            {
                frame = await connection.ReadFrameAsync(finSent ? cancellationToken : closeWait.Token);
            }
            catch (OperationCanceledException) when (!finSent && !cancellationToken.IsCancellationRequested)
            {
                // Nothing refused the input (it may be an incomplete frame): end this side, as a client that gives up.
                TryShutdown(connection);
                finSent = true;
                continue;
            }
            catch (IOException ex) when (ex.InnerException is SocketException)
            {
                return ($"101, {Joined(messages)}connection reset by the gateway", true, null);
            }
            catch (EndOfStreamException)
            {
                frame = null;
            }

            if (frame is null)
            {
                return ($"101, {Joined(messages)}connection closed without a close frame{(finSent ? " (after the client's FIN)" : "")}", true, null);
            }

            switch (frame.Opcode)
            {
                case RawFrame.Text:
                    string type;
                    try
                    {
                        var message = HeardMessage.Parse(frame.Payload);
                        type = message.Type == "error" ? $"error {message.Code}" : message.Type;
                    }
                    catch (JsonException)
                    {
                        return ("101, then a text frame that is not JSON", false, FuzzReport.Show(frame.Payload));
                    }

                    if (type != "session")
                    {
                        messages.Add(type);
                    }

                    break;
                case RawFrame.Close:
                    if (!finSent)
                    {
                        // Answer the close, as a client should, and end this side.
                        try
                        {
                            await connection.SendFrameAsync(RawFrame.Close, frame.Payload.Take(2).ToArray(), cancellationToken: cancellationToken);
                        }
                        catch (IOException)
                        {
                        }

                        TryShutdown(connection);
                    }

                    var status = frame.CloseStatus;
                    var outcome = $"101, {Joined(messages)}close {status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "without a code"} {frame.CloseReason}".TrimEnd();
                    return (outcome, status != 1011 && !messages.Contains("error internal"), null);
            }
        }
    }

    /// <summary>The types of the HTTP/2 frames in <paramref name="bytes"/>, read one frame header (9 bytes) after another.</summary>
    private static List<int> Http2FrameTypes(byte[] bytes)
    {
        var types = new List<int>();
        for (var at = 0; at + 9 <= bytes.Length; at += 9 + ((bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2]))
        {
            types.Add(bytes[at + 3]);
        }

        return types;
    }

    private static string Joined(List<string> messages) => messages.Count == 0 ? "" : $"[{string.Join(", ", messages)}], ";

    private static void TryShutdown(RawHttpConnection connection)
    {
        try
        {
            connection.ShutdownSend();
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>Writes what it can: the gateway may close the connection before it has read everything.</summary>
    private static async Task SendTolerantAsync(RawHttpConnection connection, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            await connection.SendAsync(bytes, cancellationToken);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A request line that does not end in HTTP/1.0 or HTTP/1.1 (none at all is HTTP/0.9): 505 is the right answer (RFC 9110 §15.6.6).</summary>
    private static bool IsUnsupportedVersion(byte[] request)
    {
        var end = Array.IndexOf(request, (byte)'\n');
        var line = Encoding.Latin1.GetString(request, 0, end >= 0 ? end : request.Length).TrimEnd('\r');
        return !line.EndsWith(" HTTP/1.1", StringComparison.Ordinal) && !line.EndsWith(" HTTP/1.0", StringComparison.Ordinal);
    }
}
