using OrleansStt.Grains.Backends.Messages;
using OrleansStt.Grains.Interfaces.Protocol;

namespace OrleansStt.Grains.Sessions;

/// <summary>
/// Puts a GPU server's results on the session's audio timeline. Each GPU stream counts audio from
/// its own start; after a move the new stream starts where the replayed audio starts, and
/// partials it repeats for audio the client already has results for are not sent again.
/// </summary>
internal sealed class ResultTimeline(string language)
{
    // Session audio position (ms) where the current GPU stream's position 0 lies.
    private long _offsetMs;

    // Audio position (ms) up to which the client already has results from an earlier stream.
    private long _coveredMs;

    // The end of the last final the client had when this stream started: a translation final up to
    // there is a replay's repeat.
    private long _finalCoveredMs = -1;

    /// <summary>The furthest audio position any published result accounted for.</summary>
    public long LastEndMs { get; private set; }

    /// <summary>The end of the last final published: a final that ends no later accounts for no new audio.</summary>
    public long LastFinalEndMs { get; private set; } = -1;

    /// <summary>A new GPU stream starts at session position <paramref name="offsetMs"/>; what was published so far is covered.</summary>
    public void StartStreamAt(long offsetMs)
    {
        _coveredMs = Math.Max(_coveredMs, LastEndMs);
        _finalCoveredMs = LastFinalEndMs;
        _offsetMs = offsetMs;
    }

    /// <summary>
    /// Goes on from a timeline another activation published: results up to <paramref name="coveredMs"/>,
    /// and a final up to <paramref name="finalEndMs"/> (-1 for none).
    /// </summary>
    public void Restore(long coveredMs, long finalEndMs)
    {
        _coveredMs = Math.Max(_coveredMs, coveredMs);
        LastEndMs = Math.Max(LastEndMs, coveredMs);
        LastFinalEndMs = Math.Max(LastFinalEndMs, finalEndMs);
        _finalCoveredMs = Math.Max(_finalCoveredMs, finalEndMs);
    }

    /// <summary>
    /// The client message for a result, or null for one the client already has: a partial for audio it
    /// has results for, or a final a replay repeats (a server that is asked to stop says its last final
    /// again, even when no audio came since).
    /// </summary>
    public ClientMessage? ToClient(BackendMessage result)
    {
        ClientMessage? message = result switch
        {
            PartialResult p when p.EndMs + _offsetMs > _coveredMs =>
                new TranscriptMessage(false, language, p.Text ?? "", p.StartMs + _offsetMs, p.EndMs + _offsetMs),
            FinalResult f when f.EndMs + _offsetMs > LastFinalEndMs =>
                new TranscriptMessage(true, language, f.Text ?? "", f.StartMs + _offsetMs, f.EndMs + _offsetMs),
            TranslationResult t when t.EndMs + _offsetMs > (t.IsFinal ? _finalCoveredMs : _coveredMs) =>
                new TranslationMessage(t.IsFinal, t.Language ?? "", language, t.Text ?? "", t.StartMs + _offsetMs, t.EndMs + _offsetMs) { Simulated = t.Simulated },
            _ => null,
        };
        if (message is TranscriptMessage { EndMs: var transcriptEnd } transcript)
        {
            LastEndMs = Math.Max(LastEndMs, transcriptEnd);
            if (transcript.IsFinal)
            {
                LastFinalEndMs = transcriptEnd;
            }
        }
        else if (message is TranslationMessage { EndMs: var translationEnd })
        {
            LastEndMs = Math.Max(LastEndMs, translationEnd);
        }

        return message;
    }
}
