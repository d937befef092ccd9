namespace OrleansStt.Gateway.Tests.Browser;

public sealed class LoudnessEnvelopeTests
{
    private static readonly TimeSpan MaxOffset = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Speech_with_a_block_dropped_is_the_same_speech_and_other_speech_is_not()
    {
        using var said = await SpokenRecording.SayAsync("please turn on the kitchen lights and play some music", trailingSilenceSeconds: 0);
        using var other = await SpokenRecording.SayAsync("seven ships sailed north across the grey winter sea", trailingSilenceSeconds: 0);

        // What a busy browser sends: the same speech, late, with 300 ms missing from its middle.
        var middle = said.Speech.Length / 2 / 2 * 2;
        var dropped = 16000 * 2 * 3 / 10;
        byte[] heard = [.. new byte[16000], .. said.Speech.AsSpan(0, middle), .. said.Speech.AsSpan(middle + dropped)];

        var same = LoudnessEnvelope.BestCorrelation(said.Speech, heard, MaxOffset);
        var different = LoudnessEnvelope.BestCorrelation(said.Speech, other.Speech, MaxOffset);
        Assert.True(same > 0.9, $"the same speech scored {same:0.00}");
        // Below what CaptionsPageTests take for the same speech (0.7).
        Assert.True(different < 0.7, $"other speech scored {different:0.00}");
        Assert.Equal(0, LoudnessEnvelope.BestCorrelation(said.Speech, new byte[said.Speech.Length], MaxOffset));
    }
}
