namespace Seqline.Receipts;

/// <summary>
/// The read and delivered positions of a conversation's members, the changes not yet told and not
/// yet saved, and the pace of notices. Positions only move forward; delivered is never behind read.
/// A notice carries each moved member's newest positions, never one entry per message: who has read
/// seq N follows from the positions (read ≥ N). At most one notice goes per pace (<see cref="BusyPace"/>):
/// a move after a quiet pace goes at once, moves within it wait for its end and go together, and
/// while moves keep coming the pace grows from the interval to the busy interval.
/// A member is told of a move only where it passed a message of theirs, when who sent what is known:
/// ticks and "read by" are shown on one's own messages, and in a group most moves pass none of them.
/// </summary>
public sealed class ReceiptBook(TimeSpan interval, TimeSpan busyInterval)
{
    private readonly Dictionary<string, MemberPositions> _members = new(StringComparer.Ordinal);
    // Each member moved since the last notice, with their positions as that notice left them.
    private readonly Dictionary<string, MemberPositions?> _moved = new(StringComparer.Ordinal);
    private readonly BusyPace _pace = new(interval, busyInterval);

    /// <summary>Positions changed since they were last saved.</summary>
    public bool Unsaved { get; private set; }

    /// <summary>Members whose positions moved since the last notice.</summary>
    public bool HasMoves => _moved.Count > 0;

    public int Count => _members.Count;

    /// <summary>Positions as the last save stored them.</summary>
    public void Load(IReadOnlyDictionary<string, MemberPositions> saved)
    {
        foreach (var (id, positions) in saved) _members[id] = positions;
    }

    /// <summary>What to save.</summary>
    public Dictionary<string, MemberPositions> Snapshot() => new(_members, StringComparer.Ordinal);

    public void Saved() => Unsaved = false;

    public MemberPositions? Of(string userId) => _members.GetValueOrDefault(userId);

    /// <summary>The members this book has positions of.</summary>
    public IEnumerable<string> Known => _members.Keys;

    /// <summary>Applies a member's move; true when anything the others see changed.</summary>
    public bool Move(ReceiptMove move)
    {
        var before = _members.GetValueOrDefault(move.UserId);
        var read = Math.Max(before?.Read ?? 0, move.Read);
        var after = new MemberPositions(read, Math.Max(Math.Max(before?.Delivered ?? 0, move.Delivered), read), move.HideRead);
        if (after == before) return false;
        _members[move.UserId] = after;
        _moved.TryAdd(move.UserId, before);
        Unsaved = true;
        return true;
    }

    /// <summary>Whether every member who moved since the last notice is in <paramref name="members"/>.</summary>
    public bool MovedAreAmong(IReadOnlySet<string> members) => _moved.Keys.All(members.Contains);

    /// <summary>How long the notice scheduled at <paramref name="now"/> must wait: zero after a quiet pace. Once per notice scheduled.</summary>
    public TimeSpan WaitBeforeNotice(DateTimeOffset now) => _pace.Next(now);

    /// <summary>
    /// The moves since the last notice, each member's newest positions, as a notice goes now; the
    /// pace counts from here. Only members in <paramref name="members"/> are told and kept.
    /// </summary>
    public IReadOnlyList<MemberMoved> TakeMoves(DateTimeOffset now, IReadOnlyCollection<string> members)
    {
        Keep(members);
        var moved = _moved.Where(m => _members.ContainsKey(m.Key))
            .Select(m => new MemberMoved(m.Key, m.Value ?? new MemberPositions(0, 0, false), _members[m.Key]))
            .ToList();
        _moved.Clear();
        _pace.Went(now);
        return moved;
    }

    /// <summary>The seqs <paramref name="moved"/> passed lie in (After, UpTo]: whose they are decides who is told.</summary>
    public static (long After, long UpTo) Span(IReadOnlyList<MemberMoved> moved) =>
        (moved.Min(m => m.After.Read > m.Before.Read ? m.Before.Read : m.Before.Delivered), moved.Max(m => m.After.Delivered));

    /// <summary>
    /// What <paramref name="recipient"/> is told of <paramref name="moved"/>: everyone else's
    /// positions, read ones only where neither side hides them; with <paramref name="sent"/> (each
    /// member's seqs in the <see cref="Span"/>) only the moves that passed a message of the
    /// recipient's, and those that start or stop hiding a read position (every message's ticks
    /// change); null when nothing is left.
    /// </summary>
    public ReceiptsNotice? NoticeFor(string conversationId, string recipient, IReadOnlyList<MemberMoved> moved, ILookup<string, long>? sent = null)
    {
        var recipientHides = _members.GetValueOrDefault(recipient)?.HideRead ?? false;
        var theirs = sent?[recipient];
        List<MemberReceipt>? told = null;
        foreach (var move in moved)
            if (move.UserId != recipient && (theirs is null || move.ChangedHiding || theirs.Any(move.Passed)))
                (told ??= []).Add(Receipt(move.UserId, move.After, recipientHides));
        return told is null ? null : new ReceiptsNotice(conversationId, told);
    }

    /// <summary>Every member but the viewer, as the viewer may see them (members not heard from yet at 0).</summary>
    public IReadOnlyList<MemberReceipt> View(string viewerId, bool viewerHidesRead, IReadOnlyCollection<string> members) =>
        members.Where(m => m != viewerId)
            .Select(m => Receipt(m, _members.GetValueOrDefault(m) ?? new MemberPositions(0, 0, false), viewerHidesRead))
            .ToList();

    /// <summary>Forgets everything: the conversation shows no receipts (read fan-out, too large).</summary>
    public void Clear()
    {
        if (_members.Count > 0) Unsaved = true;
        _members.Clear();
        _moved.Clear();
    }

    // Who left takes their positions along: a member who comes back starts from their next move.
    private void Keep(IReadOnlyCollection<string> members)
    {
        var gone = _members.Keys.Where(id => !members.Contains(id)).ToList();
        foreach (var id in gone) _members.Remove(id);
        if (gone.Count > 0) Unsaved = true;
    }

    private static MemberReceipt Receipt(string userId, MemberPositions p, bool viewerHidesRead) =>
        new(userId, p.HideRead || viewerHidesRead ? null : p.Read, p.Delivered);
}

/// <summary>A member's positions when the last notice went and now.</summary>
public sealed record MemberMoved(string UserId, MemberPositions Before, MemberPositions After)
{
    /// <summary>The member started or stopped hiding their read position.</summary>
    public bool ChangedHiding => Before.HideRead != After.HideRead;

    /// <summary>Whether the read or the delivered position went past <paramref name="seq"/>.</summary>
    public bool Passed(long seq) =>
        (Before.Read < seq && seq <= After.Read) || (Before.Delivered < seq && seq <= After.Delivered);
}

/// <summary>One member's positions, and whether they hide their read position.</summary>
[GenerateSerializer, Immutable, Alias("Seqline.MemberPositions")]
public sealed record MemberPositions(
    [property: Id(0)] long Read,
    [property: Id(1)] long Delivered,
    [property: Id(2)] bool HideRead);

/// <summary>The saved positions of a conversation's receipts (at most <c>Seqline:Receipts:MaxGroupSize</c> members).</summary>
[GenerateSerializer]
public sealed class ReceiptsState
{
    [Id(0)] public Dictionary<string, MemberPositions> Members { get; set; } = new(StringComparer.Ordinal);
}
