namespace OrleansStt.LoadTest;

/// <summary>
/// Transcript finals of every connected session against the ones the audio it sent must yield
/// (<see cref="SpeechScript"/>), matched by text and audio position (<see cref="FinalsComparison"/>).
/// </summary>
/// <param name="Examples">Up to five sessions whose finals did not match, described.</param>
internal sealed record FinalsReport(long SessionsChecked, long Expected, long Received, long Missing, long Unexpected, long SessionsWithMismatch,
    IReadOnlyList<string> Examples)
{
    public static FinalsReport From(ContinuityMetrics c) =>
        new(c.SessionsChecked, c.FinalsExpected, c.FinalsReceived, c.FinalsMissing, c.FinalsUnexpected, c.SessionsWithMismatch, [.. c.MismatchExamples]);
}
