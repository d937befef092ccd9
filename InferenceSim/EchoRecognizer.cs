namespace OrleansStt.InferenceSim;

/// <summary>PROTOCOL §2.4: every audio frame answered by one partial whose end is the audio received so far.</summary>
internal sealed class EchoRecognizer(int sampleRate) : IRecognizer
{
    private long bytesReceived;

    private long ReceivedMs => bytesReceived * 1000 / (2L * sampleRate);

    public void OnAudio(ReadOnlySpan<byte> audio, bool endOfMessage, IResultSink sink)
    {
        bytesReceived += audio.Length;
        if (endOfMessage)
        {
            sink.Emit(isFinal: false, string.Empty, 0, ReceivedMs);
        }
    }

    public void OnFinalize(IResultSink sink)
    {
    }

    public void OnStop(IResultSink sink) => sink.Emit(isFinal: true, string.Empty, 0, ReceivedMs);
}
