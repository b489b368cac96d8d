using Seqline.Receipts;

namespace Seqline.Inboxes;

/// <summary>
/// Receipts notices on their way from a user's conversations to the user's devices, merged across
/// those conversations. Each conversation paces its own notices; a user busy in several would still
/// get one per conversation per pace, each a call to every edge node with a device of theirs and a
/// hub message to each device. Here they go at most once per pace (<see cref="BusyPace"/>: the first
/// after a quiet pace at once, those within it together at its end), one batch for every
/// conversation that moved, each member's newest positions once. A single conversation's notices
/// already come a pace apart, so they seldom wait here. What waits rides on the next push to the
/// user's devices, if one goes before the hand-over (<see cref="Ride"/>): under load most do, and
/// cost no hub message of their own. Not thread-safe: the inbox's turn guards it.
/// </summary>
public sealed class PendingReceipts(TimeSpan interval, TimeSpan busyInterval)
{
    private readonly Dictionary<string, ReceiptsNotice> _waiting = new(StringComparer.Ordinal);
    private readonly BusyPace _pace = new(interval, busyInterval);
    private bool _due;

    /// <summary>Conversations with a notice waiting.</summary>
    public int Count => _waiting.Count;

    /// <summary>
    /// Keeps <paramref name="notice"/> for the next hand-over. Returns how long to wait before it
    /// (zero: now) when the caller must schedule one, null when one is scheduled already.
    /// </summary>
    public TimeSpan? Add(ReceiptsNotice notice, DateTimeOffset now)
    {
        _waiting[notice.ConversationId] = _waiting.TryGetValue(notice.ConversationId, out var earlier) ? Merge(earlier, notice) : notice;
        if (_due) return null;
        _due = true;
        return _pace.Next(now);
    }

    /// <summary>The notices waiting, one per conversation, as they are handed over now; the pace counts from here.</summary>
    public IReadOnlyList<ReceiptsNotice> Take(DateTimeOffset now)
    {
        _due = false;
        _pace.Went(now);
        var notices = _waiting.Values.ToList();
        _waiting.Clear();
        return notices;
    }

    /// <summary>
    /// The notices waiting, taken to ride on a push that goes to the devices anyway (no hub message
    /// of their own); null when none wait. The pace is left as it was: a hand-over already scheduled
    /// finds only what came since.
    /// </summary>
    public IReadOnlyList<ReceiptsNotice>? Ride()
    {
        if (_waiting.Count == 0) return null;
        var notices = _waiting.Values.ToList();
        _waiting.Clear();
        return notices;
    }

    // The later notice has each member's newest positions (a conversation's positions only move
    // forward, and a member who stopped sharing their read position shows none from then on).
    private static ReceiptsNotice Merge(ReceiptsNotice earlier, ReceiptsNotice later) => later with
    {
        Members = [.. earlier.Members.Where(m => !later.Members.Any(l => l.UserId == m.UserId)), .. later.Members],
    };
}
