using System.Text;

namespace OrleansStt.Client;

/// <summary>
/// One edge → client message (PROTOCOL.md §1.2). Equality and <c>ToString</c> leave out
/// <see cref="RawJson"/> and <see cref="ArrivalTimestamp"/>, so a test can compare a received
/// message with an expected one built by hand.
/// </summary>
public abstract record ServerMessage
{
    /// <summary>The wire <c>type</c>.</summary>
    public abstract string Type { get; }

    public long Seq { get; init; }

    /// <summary>The frame exactly as received.</summary>
    public string RawJson { get; init; } = "";

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when the frame's last byte was received.</summary>
    public long ArrivalTimestamp { get; init; }

    public virtual bool Equals(ServerMessage? other) =>
        other is not null && EqualityContract == other.EqualityContract && Seq == other.Seq;

    public override int GetHashCode() => HashCode.Combine(EqualityContract, Seq);

    protected virtual bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Seq = ").Append(Seq);
        return true;
    }
}
