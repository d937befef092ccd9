using System.Diagnostics;
using OrleansStt.Client;

namespace OrleansStt.Gateway.Tests.Resilience;

/// <summary>
/// One client as a user runs it: connects to one edge (knowing the other), streams 20 ms frames at
/// real time, sends <c>close_stream</c>, and reads to <c>closed</c>, resuming by itself (the client
/// library's default) whenever its socket breaks.
/// </summary>
public sealed class StreamingClient
{
    public const int FrameMs = 20;
    private const int FrameBytes = 16 * 2 * FrameMs;

    private readonly List<ServerMessage> _messages = [];
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ServerMessage> Messages => _messages;

    public int FramesSent { get; private set; }

    public int Resumes { get; private set; }

    /// <summary>The longest wait between two messages while audio was flowing: what the user heard as silence.</summary>
    public TimeSpan LongestSilence { get; private set; }

    public Exception? Failure { get; private set; }

    /// <summary>From connecting to the <c>session</c> message.</summary>
    public TimeSpan? TimeToSession { get; private set; }

    /// <summary>Completes when the <c>session</c> message arrived (or the session failed before it).</summary>
    public Task Opened => _opened.Task;

    /// <summary>Streams <paramref name="frames"/> frames through <paramref name="edge"/>; the returned task ends with the session.</summary>
    public Task RunAsync(Uri edge, Uri otherEdge, int frames, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            await StreamAsync(edge, otherEdge, frames, cancellationToken);
        }
        catch (Exception ex)
        {
            Failure = ex;
        }
        finally
        {
            _opened.TrySetResult();
        }
    });

    private async Task StreamAsync(Uri edge, Uri otherEdge, int frames, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var session = await SttSession.ConnectAsync(new SttConnectOptions(edge) { OtherEdges = [otherEdge] }, cancellationToken);
        var reading = ReadAsync(session, started, cancellationToken);

        // Audio starts once the session is open, so that every session streams its whole length after that.
        await Opened.WaitAsync(cancellationToken);
        var audio = new byte[FrameBytes];
        using (var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(FrameMs)))
        {
            for (var i = 0; i < frames && await pace.WaitForNextTickAsync(cancellationToken); i++)
            {
                await session.SendAudioAsync(audio, cancellationToken);
                FramesSent++;
            }
        }

        await session.SendCloseStreamAsync(cancellationToken);
        await reading;
        Resumes = session.Resumes;
    }

    private async Task ReadAsync(SttSession session, long started, CancellationToken cancellationToken)
    {
        long? previous = null;
        await foreach (var message in session.ReadAllAsync(cancellationToken))
        {
            TimeToSession ??= Stopwatch.GetElapsedTime(started, message.ArrivalTimestamp);
            _opened.TrySetResult();
            _messages.Add(message);
            if (previous is { } last && message is not ClosedMessage)
            {
                var silence = Stopwatch.GetElapsedTime(last, message.ArrivalTimestamp);
                LongestSilence = silence > LongestSilence ? silence : LongestSilence;
            }

            previous = message.ArrivalTimestamp;
        }
    }

    /// <summary>Why this session did not end as a user needs it to, or null when it did.</summary>
    public string? Problem()
    {
        if (Failure is not null)
        {
            var chain = new List<string>();
            for (var ex = Failure; ex is not null; ex = ex.InnerException)
            {
                chain.Add($"{ex.GetType().Name}: {ex.Message}");
            }

            return $"failed after {Messages.Count} messages: {string.Join(" <- ", chain)}";
        }

        if (_messages.Count == 0 || _messages[^1] is not ClosedMessage)
        {
            return $"did not end with closed (last: {_messages.LastOrDefault()?.RawJson})";
        }

        if (_messages.OfType<ErrorMessage>().FirstOrDefault() is { } error)
        {
            return $"got an error: {error.RawJson}";
        }

        for (var i = 0; i < _messages.Count; i++)
        {
            if (_messages[i].Seq != i + 1)
            {
                return $"seq {_messages[i].Seq} at position {i + 1}";
            }
        }

        var finals = _messages.OfType<TranscriptMessage>().Where(t => t.IsFinal).ToList();
        if (finals.Count != 1 || finals[0].EndMs != (long)FramesSent * FrameMs)
        {
            return $"finals {string.Join(",", finals.Select(f => f.EndMs))} ms for {FramesSent * FrameMs} ms of audio sent";
        }

        return null;
    }
}
