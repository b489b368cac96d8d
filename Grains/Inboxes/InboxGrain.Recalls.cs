using Seqline.Conversations;
using Seqline.Timelines;

namespace Seqline.Inboxes;

/// <summary>
/// A recalled message's body must not outlive the recall anywhere: besides the conversation's
/// tombstone, the inbox's own copy of the message (write fan-out) is blanked in place, so a device
/// that syncs later gets the tombstone, then the recall event.
/// </summary>
public sealed partial class InboxGrain
{
    private const int RecallScanPage = 256;

    // A recall is rare, but one that finds no copy must not read a huge inbox to its start.
    private const int MaxRecallScan = 100_000;

    private async Task BlankRecalled(string conversationId, IReadOnlyList<long> seqs)
    {
        var wanted = new SortedSet<long>(seqs);
        // In read fan-out, messages from the switch on were never copied here.
        if (_index.TryGetValue(conversationId, out var row) && row.Fanout == FanoutMode.Read) wanted.RemoveWhere(seq => seq >= row.FanoutSince);
        var scanned = 0;
        try
        {
            for (var before = Index.Head + 1; wanted.Count > 0 && before > _trimmedThrough + 1 && scanned < MaxRecallScan;)
            {
                var entries = await timeline.ReadBeforeAsync(UserId, before, RecallScanPage);
                if (entries.Count == 0) return;
                scanned += entries.Count;
                for (var i = entries.Count - 1; i >= 0; i--)
                {
                    var e = MessageCodec.ToEvent(entries[i]);
                    if (e.ConversationId != conversationId || e.Type != SyncEventTypes.Message) continue;
                    // The inbox keeps each conversation in seq order (across leaving and joining
                    // again too), so below the lowest seq wanted there is nothing more.

                    if (e.Seq < wanted.Min) return;
                    if (!wanted.Remove(e.Seq) || e.Recalled == true) continue;
                    await timeline.ReplaceAsync(UserId, MessageCodec.ToEntry(entries[i].Seq, entries[i].Timestamp, e with { Body = "", Recalled = true }));
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
