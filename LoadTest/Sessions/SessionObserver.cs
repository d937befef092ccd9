using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrleansStt.Client;

namespace OrleansStt.LoadTest;

/// <summary>
/// Follows one session's messages for what failover must preserve: which backend it is on, the gap
/// each backend_switched notice leaves between results, its finals and their timeline, and how it
/// ended (<see cref="SessionOutcome"/>). Called from the session's single receive loop, so it needs no
/// locking; <see cref="Complete"/> adds it to the run.
/// </summary>
/// <param name="edge">The edge the session opens on.</param>
internal sealed class SessionObserver(int index, string edge, ContinuityMetrics metrics)
{
    private const string BackendSwitched = "backend_switched";

    private readonly List<ReceivedFinal> _finals = [];
    private readonly List<string> _errors = [];
    private TimeSpan? _silenceAfterRemoval;
    private int _seqGaps;
    private int _resumes;
    private int _drainings;
    private bool _closed;

    // When each switch not yet followed by a result began: the last result before its notice, or the notice.
    private readonly List<long> _openSwitches = [];
    private long? _lastResultArrival;
    private ReceivedFinal? _lastFinal;
    private int _switches;
    private string? _sessionId;
    private string? _startedOn;
    private string? _currentBackend;

    public void OnSession(SessionMessage session)
    {
        (_sessionId, _startedOn, _currentBackend) = (session.SessionId, session.Backend, session.Backend);
        RunMetrics.Count(metrics.StartedOnBackend, session.Backend);
    }

    public void OnResult(ResultMessage result)
    {
        var arrival = result.ArrivalTimestamp;
        if (_lastResultArrival is { } previous && metrics.RemovedAt is { } removedAt && arrival >= removedAt)
        {
            var silence = Stopwatch.GetElapsedTime(previous, arrival);
            _silenceAfterRemoval = _silenceAfterRemoval > silence ? _silenceAfterRemoval : silence;
        }

        if (_openSwitches.Count > 0)
        {
            _openSwitches.ForEach(start => metrics.SwitchGap.Record(Stopwatch.GetElapsedTime(start, arrival)));
            _openSwitches.Clear();
        }
        else if (_lastResultArrival is { } last)
        {
            metrics.ResultGap.Record(Stopwatch.GetElapsedTime(last, arrival));
        }

        _lastResultArrival = arrival;
        if (result is TranscriptMessage { IsFinal: true } transcript)
        {
            var final = new ReceivedFinal(transcript.Text, transcript.StartMs, transcript.EndMs);
            if (_lastFinal is { } before && (final.StartMs < before.EndMs || final.EndMs < before.EndMs))
            {
                metrics.TimelineRegressed();
            }

            _lastFinal = final;
            _finals.Add(final);
        }
    }

    public void OnSeqGap() => _seqGaps++;

    public void OnError(ErrorMessage error) => _errors.Add($"{error.Code}: {error.Message}");

    public void OnClosed() => _closed = true;

    public void OnNotice(NoticeMessage notice)
    {
        _resumes += notice.Code == NoticeMessage.Resumed ? 1 : 0;
        _drainings += notice.Code == NoticeMessage.Draining ? 1 : 0;
        if (notice.Code != BackendSwitched)
        {
            return;
        }

        _switches++;
        metrics.Switched();
        // No result before the switch: the gap is measured from the notice, which then understates the outage.
        _openSwitches.Add(_lastResultArrival ?? notice.ArrivalTimestamp);
        _currentBackend = BackendOf(notice);
    }

    /// <summary>The session never opened.</summary>
    public void ConnectFailed(string reason) =>
        metrics.Outcomes.Enqueue(new SessionOutcome(index, null, edge, false, false, [], 0, null, 0, 0, 0, 0, null, reason));

    /// <param name="audio">The audio kind sent, or null to leave the finals unchecked.</param>
    /// <param name="ending">How the socket ended (a close status, or why there was none).</param>
    public void Complete(string? audio, long bytesSent, string ending)
    {
        metrics.SessionEnded(_switches > 0, _openSwitches.Count, _startedOn, _currentBackend);
        metrics.Outcomes.Enqueue(new SessionOutcome(index, _sessionId, edge, true, _closed, _errors, _seqGaps, _lastFinal?.EndMs,
            bytesSent / Pcm.BytesPerMs(LoadTestOptions.SampleRate), _resumes, _drainings, _switches, _silenceAfterRemoval, ending));
        if (audio is null)
        {
            return;
        }

        var comparison = FinalsComparison.Compare(SpeechScript.Expected(audio, bytesSent), _finals);
        metrics.FinalsChecked(comparison, () => Describe(comparison, bytesSent));
    }

    private static string? BackendOf(NoticeMessage notice)
    {
        try
        {
            return JsonSerializer.Deserialize(notice.RawJson, NoticeJsonContext.Default.NoticeFields)?.Backend;
        }
        catch (JsonException)
        {
            // A backend field that is not a string: as good as none.
            return null;
        }
    }

    private string Describe(FinalsComparison c, long bytesSent)
    {
        const int shown = 3;
        static string More(int count) => count > shown ? $", … {count - shown} more" : "";
        var missing = string.Join(", ", c.Missing.Take(shown).Select(f => $"\"{f.Text}\" {f.StartMs}–{f.EndMs} ms")) + More(c.Missing.Count);
        var unexpected = string.Join(", ", c.Unexpected.Take(shown).Select(f => $"\"{f.Text}\" {f.StartMs}–{f.EndMs} ms")) + More(c.Unexpected.Count);
        return string.Create(CultureInfo.InvariantCulture,
            $"session {_sessionId ?? $"#{index}"} (started on {_startedOn ?? "?"}, {_switches} backend switch(es), {bytesSent / Pcm.BytesPerMs(LoadTestOptions.SampleRate)} ms of audio sent): " +
            $"expected {c.Expected}, received {c.Received}; missing [{missing}]; unexpected [{unexpected}]");
    }
}
