using System.Buffers;

namespace OrleansStt.EdgeHost.Listen;

/// <summary>
/// Where one client frame is assembled. Audio frames are small (20–100 ms of PCM), so each socket
/// keeps only a small pooled buffer and borrows a large one for the rare big frame: holding the
/// largest allowed frame per socket would cost 64 KB × every connected client.
/// </summary>
internal sealed class FrameBuffer(int maxFrameBytes) : IDisposable
{
    private const int SmallBytes = 4096;

    private readonly byte[] _small = ArrayPool<byte>.Shared.Rent(Math.Min(SmallBytes, maxFrameBytes));
    private byte[]? _large;
    private int _length;

    private byte[] Current => _large ?? _small;

    /// <summary>Room for the next receive.</summary>
    public Memory<byte> Free => Current.AsMemory(_length);

    public int Length => _length;

    /// <summary>The frame assembled so far.</summary>
    public ReadOnlySpan<byte> Received => Current.AsSpan(0, _length);

    public void Advance(int count) => _length += count;

    /// <summary>Grows to the largest frame allowed when full; false when already that large.</summary>
    public bool TryMakeRoom()
    {
        if (_length < Current.Length)
        {
            return true;
        }

        if (_large is not null || _small.Length >= maxFrameBytes)
        {
            return false;
        }

        _large = ArrayPool<byte>.Shared.Rent(maxFrameBytes);
        _small.AsSpan(0, _length).CopyTo(_large);
        return true;
    }

    /// <summary>Starts the next frame, handing back a borrowed large buffer.</summary>
    public void Reset()
    {
        _length = 0;
        ReturnLarge();
    }

    public void Dispose()
    {
        ReturnLarge();
        ArrayPool<byte>.Shared.Return(_small);
    }

    private void ReturnLarge()
    {
        if (_large is not null)
        {
            ArrayPool<byte>.Shared.Return(_large);
            _large = null;
        }
    }
}
