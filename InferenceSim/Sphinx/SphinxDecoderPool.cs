using System.Collections.Concurrent;

namespace OrleansStt.InferenceSim.Sphinx;

/// <summary>
/// Decoders loaded ahead of the streams that will use them. Every stream gets a decoder no stream
/// has used: PocketSphinx adapts its channel estimates to what it hears, so a reused decoder would
/// make one client's words depend on the previous client's audio. Loading one takes about half a
/// second (and ~90 MB), so one waits ready per sample rate and a used one is thrown away.
/// </summary>
public sealed class SphinxDecoderPool(string modelDirectory) : IDisposable
{
    private const int ReadyPerSampleRate = 1;

    private readonly ConcurrentDictionary<int, ConcurrentQueue<SphinxDecoder>> _ready = new();
    private volatile bool _disposed;

    internal SphinxDecoder Rent(int sampleRate)
    {
        var ready = _ready.GetOrAdd(sampleRate, _ => new ConcurrentQueue<SphinxDecoder>());
        var decoder = ready.TryDequeue(out var loaded) ? loaded : SphinxDecoder.Load(modelDirectory, sampleRate);
        _ = Task.Run(() => Refill(sampleRate, ready));
        return decoder;
    }

    internal static void Return(SphinxDecoder decoder) => decoder.Dispose();

    public void Dispose()
    {
        _disposed = true;
        foreach (var decoder in _ready.Values.SelectMany(ready => ready))
        {
            decoder.Dispose();
        }
    }

    private void Refill(int sampleRate, ConcurrentQueue<SphinxDecoder> ready)
    {
        while (!_disposed && ready.Count < ReadyPerSampleRate)
        {
            ready.Enqueue(SphinxDecoder.Load(modelDirectory, sampleRate));
        }
    }
}
