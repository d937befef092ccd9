namespace OrleansStt.InferenceSim.Sphinx;

/// <summary>
/// A real recognizer: PocketSphinx decodes the stream as it arrives. Its voice activity detection
/// cuts utterances: a partial whenever the hypothesis changes during speech, a final when speech
/// ends (or on <c>finalize</c> and <c>stop</c>). Each utterance spans the audio from the previous
/// final's end to the current position, so results tile the stream's timeline.
/// </summary>
internal sealed class SphinxRecognizer : IRecognizer, IDisposable
{
    private readonly SphinxDecoderPool _pool;
    private readonly int _sampleRate;
    private SphinxDecoder? _decoder;

    // Frames may split a sample; the low byte waits here for its high byte.
    private int _pendingLowByte = -1;
    private readonly short[] _block;
    private int _blockFill;
    private long _samples;
    private long _utteranceStart;
    private bool _speaking;
    private string _lastPartial = "";

    public SphinxRecognizer(SphinxDecoderPool pool, int sampleRate)
    {
        _pool = pool;
        _sampleRate = sampleRate;
        _block = new short[Math.Max(1, sampleRate / 50)];
        _decoder = pool.Rent(sampleRate);
        _decoder.StartStream();
        _decoder.StartUtterance();
    }

    public void OnAudio(ReadOnlySpan<byte> audio, bool endOfMessage, IResultSink sink)
    {
        if (_decoder is null)
        {
            return;
        }

        foreach (var b in audio)
        {
            if (_pendingLowByte < 0)
            {
                _pendingLowByte = b;
                continue;
            }

            _block[_blockFill++] = (short)(_pendingLowByte | (b << 8));
            _pendingLowByte = -1;
            if (_blockFill == _block.Length)
            {
                DecodeBlock(sink);
            }
        }
    }

    /// <summary>
    /// Decodes one block. Audio is decoded, and speech looked for, in blocks of a fixed length
    /// whatever the frames it came in, so the same audio always gives the same words.
    /// </summary>
    private void DecodeBlock(IResultSink sink)
    {
        var decoder = _decoder!;
        decoder.Process(_block.AsSpan(0, _blockFill));
        _samples += _blockFill;
        _blockFill = 0;
        if (decoder.InSpeech)
        {
            _speaking = true;
            var hypothesis = decoder.Hypothesis();
            if (hypothesis.Length > 0 && hypothesis != _lastPartial)
            {
                _lastPartial = hypothesis;
                sink.Emit(isFinal: false, hypothesis, Ms(_utteranceStart), Ms(_samples));
            }
        }
        else if (_speaking)
        {
            EndUtterance(sink, restart: true);
        }
    }

    public void OnFinalize(IResultSink sink) => EndUtterance(sink, restart: true);

    public void OnStop(IResultSink sink) => EndUtterance(sink, restart: false);

    public void Dispose()
    {
        if (_decoder is { } decoder)
        {
            _decoder = null;
            SphinxDecoderPool.Return(decoder);
        }
    }

    private void EndUtterance(IResultSink sink, bool restart)
    {
        if (_decoder is not { } decoder)
        {
            return;
        }

        if (_blockFill > 0)
        {
            decoder.Process(_block.AsSpan(0, _blockFill));
            _samples += _blockFill;
            _blockFill = 0;
        }

        decoder.EndUtterance();
        var text = decoder.Hypothesis();
        if (text.Length > 0)
        {
            sink.Emit(isFinal: true, text, Ms(_utteranceStart), Ms(_samples));
        }

        _utteranceStart = _samples;
        _speaking = false;
        _lastPartial = "";
        if (restart)
        {
            decoder.StartUtterance();
        }
    }

    private long Ms(long samples) => samples * 1000 / _sampleRate;
}
