namespace OrleansStt.InferenceSim;

/// <summary>The per-stream model. Called from one receive loop only, so implementations need no locking.</summary>
internal interface IRecognizer
{
    /// <param name="audio">pcm_s16le bytes; chunks may split samples anywhere.</param>
    /// <param name="endOfMessage">Whether this chunk completes a WebSocket binary message.</param>
    /// <param name="sink">Where results go.</param>
    void OnAudio(ReadOnlySpan<byte> audio, bool endOfMessage, IResultSink sink);

    void OnFinalize(IResultSink sink);

    /// <summary>Flushes what remains; the stream ends afterwards.</summary>
    void OnStop(IResultSink sink);
}
