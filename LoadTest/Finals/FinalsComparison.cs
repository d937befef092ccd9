namespace OrleansStt.LoadTest;

/// <summary>
/// One session's finals against the ones its audio must yield. A received final is matched to the
/// expected one whose audio it overlaps, so a final duplicated by a replay, dropped, garbled or placed
/// elsewhere on the timeline is told apart from the rest: it must have that final's exact text, and each
/// expected final is matched once. What stays unmatched is missing or unexpected.
/// </summary>
internal sealed record FinalsComparison(int Expected, int Received, IReadOnlyList<ExpectedFinal> Missing, IReadOnlyList<ReceivedFinal> Unexpected)
{
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0;

    /// <param name="expected">Ordered by <see cref="ExpectedFinal.StartMs"/>, disjoint.</param>
    public static FinalsComparison Compare(IReadOnlyList<ExpectedFinal> expected, IReadOnlyList<ReceivedFinal> received)
    {
        var matched = new bool[expected.Count];
        var unexpected = new List<ReceivedFinal>();
        foreach (var final in received)
        {
            var i = LastStartingBy(expected, final.EndMs);
            if (i >= 0 && !matched[i] && expected[i].EndMs >= final.StartMs && expected[i].Text == final.Text)
            {
                matched[i] = true;
            }
            else
            {
                unexpected.Add(final);
            }
        }

        var missing = expected.Where((_, i) => !matched[i]).ToList();
        return new FinalsComparison(expected.Count, received.Count, missing, unexpected);
    }

    /// <returns>The index of the last final starting at or before <paramref name="ms"/>, or -1.</returns>
    private static int LastStartingBy(IReadOnlyList<ExpectedFinal> expected, long ms)
    {
        int low = 0, high = expected.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (expected[mid].StartMs <= ms)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low - 1;
    }
}
