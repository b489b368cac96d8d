using Seqline.Conversations;
using Seqline.Timelines;

namespace Seqline.Inboxes;

/// <summary>
/// A recalled message's body must not outlive the recall anywhere: besides the conversation's
/// tombstone, the inbox's own copy of the message (write fan-out) is blanked in place, and so is
/// the quote of it in the copies of replies to it, so a device that syncs later gets the tombstone
/// and blank quotes, then the recall event.
/// </summary>
internal sealed class RecalledCopies(ITimelineStore timeline, string userId)
{
    private const int ScanPage = 256;

    // A recall is rare, but one that finds no copy must not read a huge inbox to its start.
    private const int MaxScan = 100_000;

    /// <summary>
    /// The event with its quote blanked when it replies to one of <paramref name="recalled"/>; the same
    /// event otherwise. For copies already here (<see cref="Blank"/>) and for those that come after the
    /// recall was applied (a delivery tried again), which carry the quote as it was sent.
    /// </summary>
    public static SyncEvent WithoutRecalledQuote(SyncEvent e, ICollection<long> recalled) =>
        e.ReplyTo is { } quoted && e.Quote is { Recalled: not true } quote && recalled.Contains(quoted)
            ? e with { Quote = ReplyRules.RecalledQuote(quote) }
            : e;

    /// <summary>
    /// Blanks the copies of <paramref name="seqs"/> of the conversation at or below the inbox's
    /// <paramref name="head"/>, and the quotes of them in the copies of replies; <paramref name="copiedBelow"/>
    /// is where copies stop (a switch to read fan-out: later messages were never copied here).
    /// </summary>
    public async Task Blank(string conversationId, IReadOnlyList<long> seqs, long head, long trimmedThrough, long copiedBelow = long.MaxValue)
    {
        var wanted = new SortedSet<long>(seqs.Where(seq => seq < copiedBelow));
        // Nothing of these was copied here, and so no reply to them either (replies come after,
        // past where copies stop): in read fan-out no inbox reads anything for a recall.
        if (wanted.Count == 0) return;
        var recalled = seqs.ToHashSet();
        var lowest = wanted.Min;
        var scanned = 0;
        try
        {
            for (var before = head + 1; before > trimmedThrough + 1 && scanned < MaxScan;)
            {
                var entries = await timeline.ReadBeforeAsync(userId, before, ScanPage);
                if (entries.Count == 0) return;
                scanned += entries.Count;
                for (var i = entries.Count - 1; i >= 0; i--)
                {
                    var e = InboxEventCodec.ToEvent(entries[i]);
                    if (e.ConversationId != conversationId || e.Type != SyncEventTypes.Message) continue;
                    // The inbox keeps each conversation in seq order (across leaving and joining
                    // again too), and replies come after what they quote: below the lowest seq
                    // recalled there is nothing more.
                    if (e.Seq < lowest) return;
                    if (wanted.Remove(e.Seq))
                    {
                        if (e.Recalled != true) await timeline.ReplaceAsync(userId, InboxEventCodec.Recalled(entries[i]));
                    }
                    else if (WithoutRecalledQuote(e, recalled) is var blanked && !ReferenceEquals(blanked, e))
                    {
                        await timeline.ReplaceAsync(userId, InboxEventCodec.ToEntry(entries[i].Seq, entries[i].Timestamp, blanked));
                    }
                    if (e.Seq == lowest && wanted.Count == 0) return;
                }
                before = entries[0].Seq;
            }
        }
        catch (TimelineTrimmedException)
        {
            // Expired copies are gone already.
        }
    }
}
