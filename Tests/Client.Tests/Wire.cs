namespace OrleansStt.Client.Tests;

/// <summary>Edge → client messages as the edge writes them (PROTOCOL.md §1.3, §1.5), and the client's audio frames.</summary>
public static class Wire
{
    public const string SessionId = "4063710c646f4471a7f4d7c2c63fe666";

    public static string Session(long seq, string resumeToken = "token-1") =>
        $$"""{"type":"session","seq":{{seq}},"session_id":"{{SessionId}}","resume_token":"{{resumeToken}}","backend":"gpu-2"}""";

    public static string Transcript(long seq, string text = "five") =>
        $$"""{"type":"transcript","seq":{{seq}},"is_final":false,"language":"en","text":"{{text}}","start_ms":0,"end_ms":200}""";

    public static string Draining(long seq) =>
        $$"""{"type":"notice","seq":{{seq}},"code":"draining","message":"This edge is shutting down; resume elsewhere."}""";

    public static string Resumed(long seq, long audioFrames) =>
        $$"""{"type":"notice","seq":{{seq}},"code":"resumed","audio_frames":{{audioFrames}},"audio_ms":{{audioFrames * 10}}}""";

    public static string Closed(long seq) => $$"""{"type":"closed","seq":{{seq}},"reason":"client_closed"}""";

    /// <summary>Frame <paramref name="index"/> of the client's audio: 10 ms whose every byte says which frame it is.</summary>
    public static byte[] Frame(int index, int bytes = 320) => Enumerable.Repeat((byte)index, bytes).ToArray();
}
