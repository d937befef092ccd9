namespace OrleansStt.Grains.Sessions;

/// <summary>
/// Audio frames that reached the session ahead of one sent before them: one-way frames are not
/// ordered on their way (through a gateway silo each waits for its own address lookup), so the
/// session holds them by session position until the frame before them comes. A frame still
/// missing at two answers in a row was lost, not late, and the edge brings it from its copy.
/// </summary>
public sealed class EarlyAudio
{
    /// <summary>
    /// More than the edge's audio credit allows between two answers, so a full buffer means frames
    /// are lost: the newest are dropped, and the hole is found at the next answer.
    /// </summary>
    public const int MaxFrames = 64;

    private readonly SortedList<long, byte[]> _frames = [];
    private long _holeAtLastAnswer = -1;

    /// <summary>Holds a frame that starts at <paramref name="position"/>, past the audio taken so far.</summary>
    public void Hold(long position, byte[] audio)
    {
        if (_frames.Count < MaxFrames)
        {
            _frames.TryAdd(position, audio);
        }
    }

    /// <summary>The held frame that starts at <paramref name="position"/>, once the audio before it is taken.</summary>
    public bool TryTake(long position, out byte[] audio)
    {
        while (_frames.Count > 0 && _frames.Keys[0] < position)
        {
            _frames.RemoveAt(0);
        }

        if (_frames.Count > 0 && _frames.Keys[0] == position)
        {
            audio = _frames.Values[0];
            _frames.RemoveAt(0);
            return true;
        }

        audio = [];
        return false;
    }

    /// <summary>
    /// At an answer to the edge: true when the audio at <paramref name="taken"/> was already missing,
    /// with later frames held, at the previous answer.
    /// </summary>
    public bool IsLost(long taken)
    {
        var lost = _frames.Count > 0 && _holeAtLastAnswer == taken;
        _holeAtLastAnswer = _frames.Count > 0 ? taken : -1;
        return lost;
    }

    /// <summary>Forgets every held frame: the edge's copy replaced them.</summary>
    public void Clear()
    {
        _frames.Clear();
        _holeAtLastAnswer = -1;
    }
}
