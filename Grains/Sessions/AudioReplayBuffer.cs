using System.Buffers;

namespace OrleansStt.Grains.Sessions;

/// <summary>
/// The session's audio since its last final, bounded, in session positions (bytes from the
/// first audio byte). On failover it is replayed to the next GPU server so no final is lost.
/// Positions assume pcm_s16le: 2 bytes per sample.
/// Bytes are copied into pooled 8 KB blocks instead of keeping the frames' own arrays: kept for
/// up to the whole window, those small arrays would be promoted out of gen0 by the thousand,
/// while copied they die young and the blocks are reused.
/// With a <paramref name="budget"/>, the blocks count against the silo's total, and an append
/// while it is exceeded drops this buffer's oldest blocks until it is not (never the one being
/// filled), unless the caller is replaying them.
/// </summary>
public sealed class AudioReplayBuffer(int sampleRate, TimeSpan window, int maxBytes, ReplayBudget? budget = null)
{
    public const int BlockSize = 8 * 1024;

    // The configurable pool, not Shared: Shared keeps a few arrays per core, far fewer than the
    // blocks thousands of sessions hold and hand back.
    private static readonly ArrayPool<byte> Blocks = ArrayPool<byte>.Create(BlockSize, maxArraysPerBucket: 16384);

    private readonly long _capacityBytes = Math.Min((long)(window.TotalSeconds * sampleRate) * 2, maxBytes);

    // Blocks oldest first, as a ring so that dropping the head allocates nothing. Every block is
    // full but the tail, so a position's block follows from arithmetic.
    private byte[]?[] _ring = [];
    private int _head;
    private int _count;

    // The session position of the head block's first byte (some of which may be dropped already).
    private long _headBase;

    /// <summary>The session position just after the last byte appended.</summary>
    public long End { get; private set; }

    /// <summary>The session position of the oldest byte still kept.</summary>
    public long Start { get; private set; }

    public long StartMs => Start * 1000 / (2L * sampleRate);

    /// <summary>
    /// Keeps <paramref name="audio"/>. <paramref name="mayShed"/> false while the kept audio is being
    /// replayed, or about to be: shedding it then would leave a hole in what the next server hears.
    /// </summary>
    public void Append(ReadOnlySpan<byte> audio, bool mayShed = true)
    {
        if (audio.Length > _capacityBytes)
        {
            // Nothing kept now would survive this append.
            Clear();
            var skipped = audio.Length - (int)_capacityBytes;
            End += skipped;
            Start = End;
            audio = audio[skipped..];
        }

        while (!audio.IsEmpty)
        {
            var used = (int)(End - _headBase - (long)(_count - 1) * BlockSize);
            if (_count == 0 || used == BlockSize)
            {
                AddBlock();
                used = 0;
            }

            var tail = _ring[(_head + _count - 1) % _ring.Length]!;
            var copied = Math.Min(audio.Length, BlockSize - used);
            audio[..copied].CopyTo(tail.AsSpan(used));
            audio = audio[copied..];
            End += copied;
        }

        if (End - Start > _capacityBytes)
        {
            Start = End - _capacityBytes;
            ReturnDroppedBlocks();
        }

        while (mayShed && budget is { IsExceeded: true } && _count > 1)
        {
            var dropped = _headBase + BlockSize;
            budget.Shed(dropped - Start);
            Start = dropped;
            ReturnHeadBlock();
        }
    }

    /// <summary>Forgets audio before <paramref name="endMs"/>: a final accounted for it.</summary>
    public void ForgetBefore(long endMs)
    {
        var position = Math.Min(endMs * sampleRate / 1000 * 2, End);
        if (position > Start)
        {
            Start = position;
            ReturnDroppedBlocks();
        }
    }

    /// <summary>
    /// A copy of the kept audio at or after <paramref name="position"/>, up to the end of the
    /// block holding it, and the position it starts at. A copy because the caller sends it while
    /// appends go on, which may hand the block back to the pool. Looked up anew each time, so
    /// appends and forgets between calls are fine.
    /// </summary>
    public bool TryGetChunk(long position, out ReadOnlyMemory<byte> audio, out long audioStart)
    {
        position = Math.Max(position, Start);
        if (position >= End)
        {
            audio = default;
            audioStart = End;
            return false;
        }

        var index = (int)((position - _headBase) / BlockSize);
        var offset = (int)((position - _headBase) % BlockSize);
        var blockEnd = _headBase + (long)(index + 1) * BlockSize;
        var length = (int)(Math.Min(blockEnd, End) - position);
        audio = _ring[(_head + index) % _ring.Length]!.AsSpan(offset, length).ToArray();
        audioStart = position;
        return true;
    }

    /// <summary>The kept audio as one array (a session moving to another silo, or rebuilt from an edge's copy).</summary>
    public byte[] ToArray()
    {
        var all = new byte[End - Start];
        var position = Start;
        while (TryGetChunk(position, out var audio, out var audioStart))
        {
            audio.Span.CopyTo(all.AsSpan((int)(audioStart - Start)));
            position = audioStart + audio.Length;
        }

        return all;
    }

    /// <summary>Empties the buffer and places its next byte at session position <paramref name="position"/>.</summary>
    public void StartAt(long position)
    {
        Clear();
        End = Start = _headBase = position;
    }

    /// <summary>Hands every block back to the pool; positions go on from <see cref="End"/>.</summary>
    public void Clear()
    {
        while (_count > 0)
        {
            ReturnHeadBlock();
        }

        Start = End;
        _headBase = End;
    }

    private void AddBlock()
    {
        if (_count == 0)
        {
            _head = 0;
            _headBase = End;
        }

        if (_count == _ring.Length)
        {
            var grown = new byte[]?[Math.Max(4, _ring.Length * 2)];
            for (var i = 0; i < _count; i++)
            {
                grown[i] = _ring[(_head + i) % _ring.Length];
            }

            (_ring, _head) = (grown, 0);
        }

        _ring[(_head + _count) % _ring.Length] = Blocks.Rent(BlockSize);
        _count++;
        budget?.Take(BlockSize);
    }

    /// <summary>Returns the head blocks holding nothing at or after <see cref="Start"/>.</summary>
    private void ReturnDroppedBlocks()
    {
        // A wholly dropped tail block that is not full stays: the next append fills it.
        while (_count > 0 && _headBase + BlockSize <= Start)
        {
            ReturnHeadBlock();
        }
    }

    private void ReturnHeadBlock()
    {
        Blocks.Return(_ring[_head]!);
        budget?.Give(BlockSize);
        _ring[_head] = null;
        _head = (_head + 1) % _ring.Length;
        _headBase += BlockSize;
        _count--;
    }
}
