using System.Net.WebSockets;
using System.Text;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>
/// Runs families 2 and 3 on real sessions. Inputs that leave the session open share one, many at a
/// time: each input is followed by two fences, <c>{}</c> and <c>[]</c>, whose documented answers
/// (<c>bad_request</c> "…has no "type"." and "…is not a JSON object…") mark where the input's own
/// answer ends, so every answer is told apart without waiting for silence. Each session ends with
/// <c>close_stream</c>, which must still bring <c>closed</c> and 1000.
/// </summary>
public sealed class FrameFamily(FuzzTarget target, FuzzReport report, string family, Func<CancellationToken, Task> beforeSession)
{
    private const int InputsPerSession = 240;
    private const int InputsPerRound = 40;

    private static readonly byte[] FenceNoType = "{}"u8.ToArray();
    private static readonly byte[] FenceNotObject = "[]"u8.ToArray();
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(10);

    /// <summary>Sessions at 192 kHz: 10 s of audio burst is 3.8 MB, so the edge's audio pacing never slows the fuzzing.</summary>
    private Uri Listen => new($"{target.ListenUri}?sample_rate=192000");

    public async Task RunAsync(IReadOnlyList<FrameInput> inputs, int parallel, CancellationToken cancellationToken)
    {
        var shared = new Queue<FrameInput>(inputs.Where(i => !i.Solo));
        var solo = new Queue<FrameInput>(inputs.Where(i => i.Solo));
        var gate = new object();

        async Task WorkAsync()
        {
            while (true)
            {
                List<FrameInput> batch;
                bool isSolo;
                lock (gate)
                {
                    isSolo = shared.Count == 0;
                    if (isSolo && solo.Count == 0)
                    {
                        return;
                    }

                    batch = isSolo ? [solo.Dequeue()] : Enumerable.Range(0, Math.Min(InputsPerSession, shared.Count)).Select(_ => shared.Dequeue()).ToList();
                }

                List<FrameInput> leftovers;
                try
                {
                    leftovers = await SessionAsync(batch, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Not an answer to any one input (a session that would not open): reported, the inputs left uncounted.
                    report.CheckFailed($"{family}: a session for {batch.Count} input(s) from '{batch[0]}'", $"{ex.GetType().Name}: {ex.Message}");
                    continue;
                }

                lock (gate)
                {
                    // Inputs the session did not get to, because an earlier one ended it, go to another session.
                    foreach (var left in leftovers)
                    {
                        (left.Solo ? solo : shared).Enqueue(left);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(WorkAsync, cancellationToken)));
    }

    /// <summary>One session through <paramref name="inputs"/>; the inputs it did not get to.</summary>
    private async Task<List<FrameInput>> SessionAsync(List<FrameInput> inputs, CancellationToken cancellationToken)
    {
        await beforeSession(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await using var socket = await FuzzSocket.OpenAsync(Listen, deadline.Token);

        if (inputs is [{ AfterCloseStream: true } late])
        {
            await AfterCloseStreamAsync(socket, late, deadline.Token);
            return [];
        }

        var judged = 0;
        var alive = true;
        while (alive && judged < inputs.Count)
        {
            var round = inputs.Skip(judged).Take(InputsPerRound).ToList();
            var sent = 0;
            try
            {
                foreach (var input in round)
                {
                    await socket.SendAsync(input.Type, input.Payload, input.Fragments, deadline.Token);
                    await socket.SendAsync(WebSocketMessageType.Text, FenceNoType, null, deadline.Token);
                    await socket.SendAsync(WebSocketMessageType.Text, FenceNotObject, null, deadline.Token);
                    sent++;
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The gateway ended the session under an input of this round; reading tells which.
            }

            foreach (var input in round.Take(Math.Max(sent, 1)))
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                wait.CancelAfter(AnswerWithin);
                var (answer, state) = await AnswerAsync(socket, wait.Token);
                judged++;
                Judge(input, answer, state);
                if (state != SessionState.Open)
                {
                    alive = false;
                    break;
                }
            }
        }

        if (alive)
        {
            var end = await socket.CloseStreamAsync(deadline.Token);
            var closed = end.OfType<HeardMessage>().LastOrDefault();
            if (closed is not { Type: "closed", Reason: "client_closed" } || end[^1] is not HeardClose { Status: WebSocketCloseStatus.NormalClosure })
            {
                report.CheckFailed($"{family}: close_stream after {judged} inputs", $"expected closed client_closed and close 1000, got [{string.Join(" | ", end.Where(h => h is not HeardMessage { Type: "transcript" or "translation" }))}]");
            }
        }

        CheckSeq(socket);
        return inputs.Skip(judged).ToList();
    }

    /// <summary>
    /// What the gateway answered to one input: the messages before the two fences' answers (results of
    /// audio aside), or everything up to the end of the session if it ended.
    /// </summary>
    private static async Task<(List<Heard> Answer, SessionState State)> AnswerAsync(FuzzSocket socket, CancellationToken cancellationToken)
    {
        var answer = new List<Heard>();
        while (true)
        {
            var next = await NextAsync(socket, cancellationToken);
            if (next is HeardClose or HeardDrop)
            {
                answer.Add(next);
                return (answer, SessionState.Ended);
            }

            if (IsFence(next, FenceNoType) && answer.Count <= 1)
            {
                var after = await NextAsync(socket, cancellationToken);
                if (IsFence(after, FenceNotObject))
                {
                    return (answer, SessionState.Open);
                }

                // Not the fences after all: this was the input's own answer (at most one message).
                answer.Add(next);
                if (IsFence(after, FenceNoType) && answer.Count == 1 && IsFence(await NextAsync(socket, cancellationToken), FenceNotObject))
                {
                    return (answer, SessionState.Open);
                }

                answer.Add(after);
                return (answer, after is HeardClose or HeardDrop ? SessionState.Ended : SessionState.Confused);
            }

            answer.Add(next);
            if (answer.Count > 1)
            {
                // More than one message before the fences: the fences were not answered as documented.
                return (answer, SessionState.Confused);
            }
        }
    }

    /// <summary>The next message that is not a result of the audio sent (transcripts and notices come when they come).</summary>
    private static async Task<Heard> NextAsync(FuzzSocket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = await socket.NextAsync(cancellationToken);
            if (next is not HeardMessage { Type: "transcript" or "translation" or "notice" })
            {
                return next;
            }
        }
    }

    private static bool IsFence(Heard heard, byte[] fence) => heard is HeardMessage { Type: "error", Code: "bad_request", Message: { } message }
        && (fence == FenceNoType ? message == "The JSON message has no \"type\"." : message.StartsWith("The text frame is not a JSON object", StringComparison.Ordinal));

    private void Judge(FrameInput input, List<Heard> answer, SessionState state)
    {
        var observed = Describe(input, answer, state);
        var documented = input.Expected switch
        {
            FrameAnswer.Ignored => answer.Count == 0 && state == SessionState.Open,
            FrameAnswer.BadRequest => answer is [HeardMessage m] && m.IsError("bad_request") && state == SessionState.Open,
            FrameAnswer.IgnoredOrBadRequest => state == SessionState.Open && (answer.Count == 0 || (answer is [HeardMessage m] && m.IsError("bad_request"))),
            FrameAnswer.PayloadTooLarge => answer is [HeardMessage m, HeardClose { Status: WebSocketCloseStatus.MessageTooBig }] && m.IsError("payload_too_large"),
            FrameAnswer.InvalidUtf8 => answer is [HeardClose { Status: WebSocketCloseStatus.InvalidPayloadData }],
            _ => false,
        };

        if (documented)
        {
            report.Documented(family, observed);
        }
        else
        {
            report.Discrepancy(family, input.ToString(), input.Shape, observed, Documented(input), string.Join(" | ", answer));
        }
    }

    /// <summary>An oversize frame right after <c>close_stream</c>: 1009, or the session's normal end if that came first.</summary>
    private async Task AfterCloseStreamAsync(FuzzSocket socket, FrameInput input, CancellationToken cancellationToken)
    {
        await socket.SendAsync(WebSocketMessageType.Binary, new byte[640], null, cancellationToken);
        await socket.SendTextAsync(FuzzTarget.CloseStream, cancellationToken);
        try
        {
            await socket.SendAsync(input.Type, input.Payload, input.Fragments, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            // The session may have ended already: its close frame tells.
        }

        var end = (await socket.ReadToEndAsync(cancellationToken)).Where(h => h is not HeardMessage { Type: "transcript" or "translation" or "notice" }).ToList();
        var observed = end switch
        {
            [HeardMessage m, HeardClose { Status: WebSocketCloseStatus.MessageTooBig }] when m.IsError("payload_too_large") => "after close_stream: error payload_too_large, close 1009",
            [HeardMessage { Type: "closed", Reason: "client_closed" }, HeardClose { Status: WebSocketCloseStatus.NormalClosure }] => "after close_stream: the session ended first (closed client_closed, 1000)",
            _ => null,
        };
        if (observed is not null)
        {
            report.Documented(family, observed);
        }
        else
        {
            report.Discrepancy(family, input.ToString(), input.Shape, $"after close_stream: {string.Join(", ", end.Select(Short))}", Documented(input), string.Join(" | ", end));
        }

        CheckSeq(socket);
    }

    private void CheckSeq(FuzzSocket socket)
    {
        var seqs = socket.Log.OfType<HeardMessage>().Select(m => m.Seq).ToList();
        if (!seqs.SequenceEqual(Enumerable.Range(1, seqs.Count).Select(i => (long)i)))
        {
            report.CheckFailed($"{family}: seq of session {socket.Session.Raw}", $"not 1, 2, 3 … without gaps: [{string.Join(",", seqs.Take(50))}…]");
        }
    }

    private static string Describe(FrameInput input, List<Heard> answer, SessionState state)
    {
        var what = input.Type == WebSocketMessageType.Text ? "" : "audio ";
        return (answer, state) switch
        {
            ([], SessionState.Open) => input.Type == WebSocketMessageType.Text ? "no answer (ignored), session went on" : "audio accepted, session went on",
            ([HeardMessage { Type: "error" } m], SessionState.Open) => $"{what}error {m.Code}, session went on",
            ([HeardMessage { Type: "error" } m, HeardClose c], SessionState.Ended) => $"{what}error {m.Code}, close {(int?)c.Status} {c.Description}",
            _ => $"{what}{string.Join(", ", answer.Select(Short))}{(state == SessionState.Confused ? " (the fences went unanswered)" : "")}",
        };
    }

    private static string Short(Heard heard) => heard switch
    {
        HeardMessage { Type: "error" } m => $"error {m.Code}",
        HeardMessage m => m.Type == "closed" ? $"closed {m.Reason}" : m.Type,
        HeardClose c => $"close {(int?)c.Status} {c.Description}".TrimEnd() + " (no error message before it)",
        HeardDrop d => $"connection dropped without a close frame ({d.Why})",
        _ => heard.ToString() ?? "",
    };

    private static string Documented(FrameInput input) => input.Expected switch
    {
        FrameAnswer.Ignored => input.Type == WebSocketMessageType.Text ? "no answer, the session goes on (§1.4)" : "forwarded as audio, the session goes on (§1.4)",
        FrameAnswer.BadRequest => "error bad_request, the session goes on (§1.4 Malformed input)",
        FrameAnswer.IgnoredOrBadRequest => "no answer or error bad_request; the session goes on",
        FrameAnswer.InvalidUtf8 => "close 1007, no message; the session waits for a resume (§1.4)",
        FrameAnswer.PayloadTooLarge => input.AfterCloseStream
            ? "error payload_too_large + close 1009 (§1.4: applies after close_stream too), or closed client_closed + 1000 if the session ended first"
            : "error payload_too_large, then close 1009 (§1.4)",
        _ => input.Expected.ToString(),
    };

    private enum SessionState
    {
        Open,
        Ended,
        Confused,
    }
}
