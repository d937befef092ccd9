namespace OrleansStt.Client;

/// <summary>
/// The newest audio frames a session sent, by frame index counted from 0 over the whole session
/// (PROTOCOL.md §1.3), within a byte bound: what a resume sends again from the edge's
/// <c>audio_frames</c> on. Plain copies, since a caller may reuse its buffer once a send returns.
/// Not thread-safe: the session's send lock guards it.
/// </summary>
internal sealed class SentAudioBuffer(long maxBytes)
{
    private readonly Queue<byte[]> _frames = new();
    private long _first;
    private long _bytes;

    /// <summary>Frames sent so far: the index the next frame gets.</summary>
    public long Count => _first + _frames.Count;

    /// <summary>The kept frames, oldest first, starting at the index <see cref="TryDropBefore"/> was given.</summary>
    public IEnumerable<byte[]> Kept => _frames;

    public void Add(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > maxBytes)
        {
            // Not kept, so neither are the frames before it: a resume sends frames again from one on, without gaps.
            _first += _frames.Count + 1;
            _frames.Clear();
            _bytes = 0;
            return;
        }

        _frames.Enqueue(frame.ToArray());
        _bytes += frame.Length;
        while (_bytes > maxBytes)
        {
            _bytes -= _frames.Dequeue().Length;
            _first++;
        }
    }

    /// <summary>
    /// Forgets the frames before <paramref name="index"/>, which the edge has accepted for good.
    /// False when a frame from <paramref name="index"/> on was already dropped for the bound.
    /// </summary>
    public bool TryDropBefore(long index)
    {
        if (index < _first)
        {
            return false;
        }

        while (_first < index && _frames.Count > 0)
        {
            _bytes -= _frames.Dequeue().Length;
            _first++;
        }

        return true;
    }

    /// <summary>
    /// Shifts every index by <paramref name="frames"/>: a session opened as a resume by its caller
    /// (<see cref="SttConnectOptions.SessionId"/>) continues the numbering of the session it took over.
    /// </summary>
    public void Offset(long frames) => _first += frames;
}
