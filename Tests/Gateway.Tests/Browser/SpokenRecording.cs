using OrleansStt.Client;
using OrleansStt.Gateway.Tests.Recognition;

namespace OrleansStt.Gateway.Tests.Browser;

/// <summary>A phrase spoken by espeak-ng into a 16 kHz WAV file (a fake microphone's input), followed by silence; deleted on dispose.</summary>
public sealed class SpokenRecording : IDisposable
{
    private const int BytesPerSecond = 16000 * 2;

    private readonly DirectoryInfo _directory;

    private SpokenRecording(DirectoryInfo directory, string path, int trailingSilenceSeconds)
    {
        _directory = directory;
        Path = path;
        Recording = WavFile.Read(path).Pcm;
        Speech = Recording[..^(trailingSilenceSeconds * BytesPerSecond)];
    }

    public string Path { get; }

    /// <summary>The whole file's pcm_s16le.</summary>
    public byte[] Recording { get; }

    /// <summary>The phrase alone, without the silence after it.</summary>
    public byte[] Speech { get; }

    public static async Task<SpokenRecording> SayAsync(string phrase, int trailingSilenceSeconds)
    {
        var directory = Directory.CreateTempSubdirectory("orleansstt-browser-");
        try
        {
            var path = await SyntheticSpeech.SayToFileAsync(phrase, directory.FullName, trailingSilenceSeconds);
            return new SpokenRecording(directory, path, trailingSilenceSeconds);
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
