namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>
/// A resume the session accepted: what the new edge needs to serve it, including its own copy of
/// the audio since the last final (from <paramref name="ReplayStartBytes"/>, in session byte
/// positions) in case the session's silo dies later.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("stt.resume-accepted")]
public sealed record ResumeAccepted(
    [property: Id(0)] SessionRequest Request,
    [property: Id(1)] long AudioFrames,
    [property: Id(2)] long ReplayStartBytes,
    [property: Id(3)] byte[] Replay);
