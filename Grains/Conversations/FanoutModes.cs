namespace Seqline.Conversations;

/// <summary>
/// A conversation's fan-out mode from seq to seq, kept in its grain state as a short list of
/// switches: the one in force where fan-out has got to, and any later ones. Hysteresis keeps a
/// group that hovers at the limit from switching back and forth: it reads its fan-out above one
/// threshold and writes it again only at or below a lower one.
/// </summary>
public sealed class FanoutModes(List<FanoutChange> changes)
{
    public IReadOnlyList<FanoutChange> Changes => changes;

    public FanoutMode Current => changes is [.., var last] ? last.Mode : FanoutMode.Write;

    public FanoutMode At(long seq) => changes.LastOrDefault(c => c.Since <= seq)?.Mode ?? FanoutMode.Write;

    /// <summary>
    /// The switch that takes effect exactly at <paramref name="seq"/>, if any: the latest one there
    /// (not the mode the conversation was created in, which the joins told).
    /// </summary>
    public FanoutChange? SwitchAt(long seq) => changes.LastOrDefault(c => c.Since == seq) is { } change && !ReferenceEquals(change, changes[0]) ? change : null;

    /// <summary>The first seq after <paramref name="seq"/> where the mode changes, or <c>long.MaxValue</c>.</summary>
    public long NextSwitchAfter(long seq) => changes.FirstOrDefault(c => c.Since > seq)?.Since ?? long.MaxValue;

    /// <summary>Starts a new conversation of <paramref name="members"/> members in the mode their number calls for.</summary>
    public static List<FanoutChange> Initial(int members, int readFanoutAbove) =>
        [new FanoutChange(1, members > readFanoutAbove ? FanoutMode.Read : FanoutMode.Write)];

    /// <summary>
    /// Switches from <paramref name="nextSeq"/> on if <paramref name="members"/> calls for it;
    /// true when the list changed (and must be stored). A switch is never taken back, even one
    /// before any message at its seq: joins told since may carry it, so a second switch at the same
    /// seq follows it (inboxes take the latest mode for a seq).
    /// </summary>
    public bool SwitchFor(int members, long nextSeq, int readFanoutAbove, int writeFanoutAtOrBelow)
    {
        var desired = Current switch
        {
            FanoutMode.Write when members > readFanoutAbove => FanoutMode.Read,
            FanoutMode.Read when members <= writeFanoutAtOrBelow => FanoutMode.Write,
            var same => same,
        };
        if (desired == Current) return false;
        changes.Add(new FanoutChange(nextSeq, desired));
        return true;
    }

    /// <summary>Drops switches nobody needs any more: every inbox is past <paramref name="through"/>.</summary>
    public bool ForgetThrough(long through)
    {
        var forgot = false;
        while (changes.Count > 1 && changes[1].Since <= through)
        {
            changes.RemoveAt(0);
            forgot = true;
        }
        return forgot;
    }
}
