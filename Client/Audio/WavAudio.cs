namespace OrleansStt.Client;

/// <summary>pcm_s16le mono samples and their rate.</summary>
public sealed record WavAudio(byte[] Pcm, int SampleRate);
