using Seqline.Conversations;
using Seqline.Receipts;

namespace Seqline.Inboxes;

/// <summary>
/// Receipts others see (<see cref="IInboxReceipts"/>): the inbox tells a conversation's receipts
/// where the user stands when the read position moves (a read marker, a clear) or the delivered one
/// does (a pull that returned others' messages, a single acknowledgement over HTTP or the hub's
/// <c>Delivered</c>; batched ones go from the edge node to the receipts directly), only in write
/// fan-out, and only what the conversation has not been told yet by this activation. Receipts
/// notices pass through to the edge nodes with a device of the user connected, those of several
/// conversations merged into one batch per pace (<see cref="PendingReceipts"/>), or riding on the
/// next push to the user's devices if one goes first. No store write.
/// </summary>
public sealed partial class InboxGrain
{
    // What this activation told each conversation's receipts (read, delivered): a repeat goes nowhere.
    private readonly Dictionary<string, (long Read, long Delivered)> _toldReceipts = new(StringComparer.Ordinal);
    private bool _hideReadReceipts;
    // Notices of the user's conversations on their way to the devices, one hand-over per pace.
    private PendingReceipts? _pendingReceipts;
    private IGrainTimer? _receiptsDue;

    public Task Delivered(string conversationId, long seq)
    {
        if (seq < 0) throw SeqlineException.Invalid("seq must not be negative.");
        var entry = _index.Member(conversationId);
        TellReceipts(conversationId, entry, Math.Min(seq, entry.LastSeq), readMoved: false);
        return Task.CompletedTask;
    }

    public Task Receipts(ReceiptsNotice notice)
    {
        _observers.ClearExpired();
        // A conversation's receipts may still list a member who left for a while: not told here.
        if (_observers.Count == 0 || !_index.Contains(notice.ConversationId)) return Task.CompletedTask;
        // The user's own setting holds here too, whatever the conversation last heard of it.
        var shown = _hideReadReceipts ? notice with { Members = notice.Members.Select(m => m with { Read = null }).ToList() } : notice;
        _pendingReceipts ??= new PendingReceipts(receipts.Value.Interval, receipts.Value.BusyInterval);
        if (_pendingReceipts.Add(shown, clock.GetUtcNow()) is not { } wait) return Task.CompletedTask;
        if (wait == TimeSpan.Zero) return HandOverReceipts();
        // In a timer's turn, as the receipts' own notices go: never beside another hand-over.
        _receiptsDue = this.RegisterGrainTimer(_ => HandOverReceipts(), new GrainTimerCreationOptions(wait, Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    // What waits goes to the edge nodes with a device of the user: one conversation as a notice,
    // several as one batch; nothing, when a push took it along since.
    private Task HandOverReceipts()
    {
        _receiptsDue?.Dispose();
        _receiptsDue = null;
        var notices = _pendingReceipts!.Take(clock.GetUtcNow());
        _observers.ClearExpired();
        if (_observers.Count == 0 || notices.Count == 0) return Task.CompletedTask;
        return notices.Count == 1
            ? _observers.Notify(o => o.OnReceipts(UserId, notices[0]))
            : _observers.Notify(o => o.OnReceiptsMany(UserId, notices));
    }

    // Others' messages a pull returned are delivered: the device has them.
    private void DeliveredBy(IReadOnlyList<SyncEvent> events)
    {
        Dictionary<string, long>? newest = null;
        foreach (var e in events)
            if (e.Type == SyncEventTypes.Message && e.SenderId != UserId)
                (newest ??= new(StringComparer.Ordinal))[e.ConversationId] = Math.Max(newest.GetValueOrDefault(e.ConversationId), e.Seq);
        if (newest is null) return;
        foreach (var (id, seq) in newest)
            if (_index.TryGet(id, out var entry)) TellReceipts(id, entry, seq, readMoved: false);
    }

    // One one-way call, none when the conversation knows it already or shows no receipts (read fan-out).
    // Delivered alone is told only past the read position: at or below it (the user's own messages,
    // which move the read position as they are sent, or what they read already) it says nothing new,
    // so a device acknowledging its own user's message costs no call.
    private void TellReceipts(string conversationId, ConversationIndexEntry entry, long delivered, bool readMoved = true)
    {
        if (entry.Fanout == FanoutMode.Read || (!readMoved && delivered <= entry.ReadSeq)) return;
        var now = (Read: entry.ReadSeq, Delivered: Math.Max(delivered, entry.ReadSeq));
        if (_toldReceipts.TryGetValue(conversationId, out var told))
        {
            now = (Math.Max(now.Read, told.Read), Math.Max(now.Delivered, told.Delivered));
            if (now == told) return;
        }
        _toldReceipts[conversationId] = now;
        GrainFactory.Reference<IConversationReceipts>(conversationId).Moved(new ReceiptMove(UserId, now.Read, now.Delivered, _hideReadReceipts)).Ignore();
    }

    // A changed setting reaches every conversation that shows receipts: one call each, rarely.
    private void HideReadReceipts(bool hide)
    {
        _hideReadReceipts = hide;
        _toldReceipts.Clear();
        foreach (var (id, entry) in _index.Entries.ToList()) TellReceipts(id, entry, 0);
    }
}
