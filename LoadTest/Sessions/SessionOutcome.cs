using System.Globalization;

namespace OrleansStt.LoadTest;

/// <summary>
/// How one session ended, for failover scenarios that judge sessions one by one rather than in sums.
/// A session ended normally when it got <c>closed</c>, no error, gapless <c>seq</c> and, with echo
/// backends, a last final whose <c>end_ms</c> is exactly the audio it sent: no frame lost or doubled
/// across a resume or a backend switch.
/// </summary>
/// <param name="Edge">The edge it opened on.</param>
/// <param name="FinalEndMs">The last final's end_ms; null when no final came.</param>
/// <param name="SilenceAfterRemoval">
/// Longest wait between consecutive results where the later one arrived after the removal (the first
/// after it counts from the last before it); null without a removal or without a result after it.
/// </param>
/// <param name="Ending">How its socket ended, as counted in <see cref="RunMetrics.CloseStatuses"/>, or why it never opened.</param>
internal sealed record SessionOutcome(
    int Index,
    string? SessionId,
    string Edge,
    bool Connected,
    bool Closed,
    IReadOnlyList<string> Errors,
    int SeqGaps,
    long? FinalEndMs,
    long AudioMsSent,
    int Resumes,
    int Drainings,
    int Switches,
    TimeSpan? SilenceAfterRemoval,
    string Ending)
{
    public const string ConnectFailed = "connect failed";
    public const string Error = "error";
    public const string NoClosed = "no closed";
    public const string SeqGap = "seq gap";
    public const string NoFinal = "no final";
    public const string EndMsMismatch = "end_ms mismatch";

    /// <summary>Saw the removal: resumed, was told to drain or switched backend.</summary>
    public bool Affected => Resumes > 0 || Drainings > 0 || Switches > 0;

    /// <summary>Why the session counts as lost (several may apply); empty when it ended normally.</summary>
    /// <param name="checkEchoFinal">Echo backends: the last final must end at the audio sent.</param>
    public IReadOnlyList<string> LossReasons(bool checkEchoFinal)
    {
        if (!Connected)
        {
            return [ConnectFailed];
        }

        var reasons = new List<string>();
        if (Errors.Count > 0)
        {
            reasons.Add(Error);
        }

        if (!Closed)
        {
            reasons.Add(NoClosed);
        }

        if (SeqGaps > 0)
        {
            reasons.Add(SeqGap);
        }

        if (checkEchoFinal && FinalEndMs is null)
        {
            reasons.Add(NoFinal);
        }
        else if (checkEchoFinal && FinalEndMs != AudioMsSent)
        {
            reasons.Add(EndMsMismatch);
        }

        return reasons;
    }

    public string Describe()
    {
        var final = FinalEndMs is { } end ? end.ToString(CultureInfo.InvariantCulture) : "none";
        var silence = SilenceAfterRemoval is { } gap ? string.Create(CultureInfo.InvariantCulture, $"; longest silence after the removal {gap.TotalMilliseconds:0} ms") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"#{Index} {SessionId ?? "(no session id)"} on {Edge}: {(Closed ? "closed" : "no closed")}, ending {Ending}; errors [{string.Join(", ", Errors)}], {SeqGaps} seq gaps, final end_ms {final} for {AudioMsSent} ms sent; {Resumes} resumes, {Drainings} draining, {Switches} backend_switched{silence}");
    }
}
