namespace OrleansStt.Grains.Sessions;

/// <summary>
/// The session's audio since its last final, bounded, in session positions (bytes from the
/// first audio byte). On failover it is replayed to the next GPU server so no final is lost.
/// Positions assume pcm_s16le: 2 bytes per sample.
/// </summary>
internal sealed class AudioReplayBuffer(int sampleRate, TimeSpan window, int maxBytes)
{
    private readonly LinkedList<byte[]> _chunks = new();
    private readonly long _capacityBytes = Math.Min((long)(window.TotalSeconds * sampleRate) * 2, maxBytes);
    private long _firstChunkStart;
    private int _skipInFirstChunk;
    private long _bufferedBytes;

    /// <summary>The session position just after the last byte appended.</summary>
    public long End { get; private set; }

    /// <summary>The session position of the oldest byte still kept.</summary>
    public long Start => _firstChunkStart + _skipInFirstChunk;

    public long StartMs => Start * 1000 / (2L * sampleRate);

    public void Append(byte[] chunk)
    {
        if (_chunks.Count == 0)
        {
            _firstChunkStart = End;
            _skipInFirstChunk = 0;
        }

        _chunks.AddLast(chunk);
        End += chunk.Length;
        _bufferedBytes += chunk.Length;
        while (_bufferedBytes - _skipInFirstChunk > _capacityBytes && _chunks.Count > 1)
        {
            DropFirstChunk();
        }
    }

    /// <summary>Forgets audio before <paramref name="endMs"/>: a final accounted for it.</summary>
    public void ForgetBefore(long endMs)
    {
        var position = Math.Min(endMs * sampleRate / 1000 * 2, End);
        while (_chunks.First is { } first && _firstChunkStart + first.Value.Length <= position)
        {
            DropFirstChunk();
        }

        if (_chunks.First is not null && position > Start)
        {
            _skipInFirstChunk = (int)(position - _firstChunkStart);
        }
    }

    /// <summary>
    /// The kept audio at or after <paramref name="position"/>, up to the end of the chunk it
    /// arrived in, and the position it starts at. Looked up anew each time, so appends and
    /// forgets between calls are fine.
    /// </summary>
    public bool TryGetChunk(long position, out ReadOnlyMemory<byte> audio, out long audioStart)
    {
        position = Math.Max(position, Start);
        var chunkStart = _firstChunkStart;
        foreach (var chunk in _chunks)
        {
            var chunkEnd = chunkStart + chunk.Length;
            if (chunkEnd > position)
            {
                audio = chunk.AsMemory((int)(position - chunkStart));
                audioStart = position;
                return true;
            }

            chunkStart = chunkEnd;
        }

        audio = default;
        audioStart = End;
        return false;
    }

    private void DropFirstChunk()
    {
        var first = _chunks.First!.Value;
        _chunks.RemoveFirst();
        _bufferedBytes -= first.Length;
        _firstChunkStart += first.Length;
        _skipInFirstChunk = 0;
    }
}
