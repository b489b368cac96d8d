using Seqline.Conversations;
using Seqline.Timelines;

namespace Seqline.Inboxes;

/// <summary>
/// A recalled message's body must not outlive the recall anywhere: besides the conversation's
/// tombstone, the inbox's own copy of the message (write fan-out) is blanked in place, so a device
/// that syncs later gets the tombstone, then the recall event.
/// </summary>
internal sealed class RecalledCopies(ITimelineStore timeline, string userId)
{
    private const int ScanPage = 256;

    // A recall is rare, but one that finds no copy must not read a huge inbox to its start.
    private const int MaxScan = 100_000;

    /// <summary>
    /// Blanks the copies of <paramref name="seqs"/> of the conversation at or below the inbox's
    /// <paramref name="head"/>; <paramref name="copiedBelow"/> is where copies stop (a switch to read
    /// fan-out: later messages were never copied here).
    /// </summary>
    public async Task Blank(string conversationId, IReadOnlyList<long> seqs, long head, long trimmedThrough, long copiedBelow = long.MaxValue)
    {
        var wanted = new SortedSet<long>(seqs.Where(seq => seq < copiedBelow));
        var scanned = 0;
        try
        {
            for (var before = head + 1; wanted.Count > 0 && before > trimmedThrough + 1 && scanned < MaxScan;)
            {
                var entries = await timeline.ReadBeforeAsync(userId, before, ScanPage);
                if (entries.Count == 0) return;
                scanned += entries.Count;
                for (var i = entries.Count - 1; i >= 0; i--)
                {
                    var e = InboxEventCodec.ToEvent(entries[i]);
                    if (e.ConversationId != conversationId || e.Type != SyncEventTypes.Message) continue;
                    // The inbox keeps each conversation in seq order (across leaving and joining
                    // again too), so below the lowest seq wanted there is nothing more.
                    if (e.Seq < wanted.Min) return;
                    if (!wanted.Remove(e.Seq) || e.Recalled == true) continue;
                    await timeline.ReplaceAsync(userId, InboxEventCodec.Recalled(entries[i]));
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
