using OrleansStt.Client;

namespace OrleansStt.LoadTest;

/// <summary>
/// Every session's frames, sliced from one shared looped buffer: frame k is the k-th run of bytes of
/// an endless repetition of the audio cycle, so no session allocates or copies audio.
/// </summary>
internal sealed class FrameSource
{
    private readonly byte[] _buffer;
    private readonly int _cycleBytes;
    private readonly int _frameBytes;

    public FrameSource(string audio, int frameBytes, int sampleRate)
    {
        var cycle = audio == "tone"
            ? Pcm.Tone(500, 1000, sampleRate) // 500 whole periods: loops without a click.
            : Pcm.SpeechPattern(Pcm.SpeechPatternCycleMs, sampleRate);
        _cycleBytes = cycle.Length;
        _frameBytes = frameBytes;
        // The cycle plus one frame, so a frame that wraps around the cycle's end is still contiguous.
        _buffer = new byte[_cycleBytes + frameBytes];
        for (var offset = 0; offset < _buffer.Length; offset += _cycleBytes)
        {
            cycle.AsSpan(0, Math.Min(_cycleBytes, _buffer.Length - offset)).CopyTo(_buffer.AsSpan(offset));
        }
    }

    public ReadOnlyMemory<byte> Frame(long index) => _buffer.AsMemory((int)(index * _frameBytes % _cycleBytes), _frameBytes);
}
