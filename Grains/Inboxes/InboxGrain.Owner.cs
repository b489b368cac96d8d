using Microsoft.Extensions.Logging;
using Seqline.Timelines;

namespace Seqline.Inboxes;

/// <summary>The owner role (<see cref="IInboxOwner"/>): sync pulls, the conversation list, read marks, hiding and clearing.</summary>
public sealed partial class InboxGrain
{
    public async Task<SyncPage> Sync(string? cursor, int limit)
    {
        RequireUsable();
        limits.Value.RequirePageSize(limit);
        if (string.IsNullOrEmpty(cursor)) return await Reset();

        var from = cursors.Decode(cursor, _index.ConversationOfCursorKey);
        if (from.UserId != UserId) throw SeqlineException.Forbidden("The sync cursor belongs to another user.");
        if (from.Epoch != CursorEpoch || from.Position < _trimmedThrough) return await Reset();
        if (from.Position > Checkpointed.Head)
        {
            // A genuine cursor past the head: the inbox went back (restored from an older copy),
            // and will hand these positions out again. Every device of this epoch must reset.
            logger.LogWarning("A cursor of {UserId} is at {Position}, past the inbox's head {Head}; starting a new epoch", UserId, from.Position, Checkpointed.Head);
            NewEpoch();
            await Checkpoint();
            return await Reset();
        }

        try
        {
            var page = await new SyncReader(_reads).Pull(from.Position, from.ReadPositions, Checkpointed.Head, limit);
            DeliveredBy(page.Events);
            return new SyncPage(false, page.Events, cursors.Encode(new SyncCursor(UserId, CursorEpoch, page.Position, page.ReadPositions)), page.HasMore, null);
        }
        catch (TimelineTrimmedException)
        {
            return await Reset();
        }
    }

    // The snapshot shows each read-fan-out conversation as far as the cursor has read it, no
    // further: a message sent in between comes once, by sync after the cursor, not also in the rows.
    private async Task<SyncPage> Reset()
    {
        var head = await HeadCursorNow();
        return new(true, [], cursors.Encode(head), false, await _reads.Snapshot(head.ReadPositions));
    }

    // Where a device that has everything stands: the sync timeline's head, and each read-fan-out
    // conversation's newest seq the user may read.
    private async Task<SyncCursor> HeadCursorNow()
    {
        var reading = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, entry) in _index.ReadFanout.ToList()) reading[id] = await _reads.LastSeqOf(id, entry);
        return new SyncCursor(UserId, CursorEpoch, Checkpointed.Head, reading);
    }

    public Task<IReadOnlyList<ConversationSummary>> GetConversations() => _reads.Snapshot();

    public async Task<ConversationSummary> MarkRead(string conversationId, long seq)
    {
        var entry = _index.Member(conversationId);
        if (_index.ReadTo(conversationId, seq, await _reads.LastSeqOf(conversationId, entry)) is { } read)
        {
            await Append([read]);
            TellReceipts(conversationId, _index.Member(conversationId), 0);
        }
        return await _reads.Summary(conversationId, entry);
    }

    public async Task<ConversationSummary> Hide(string conversationId, long seq)
    {
        var entry = _index.Member(conversationId);
        if (_index.Hide(conversationId, seq, await _reads.LastSeqOf(conversationId, entry)) is { } hidden) await Append([hidden]);
        return await _reads.Summary(conversationId, entry);
    }

    public async Task<ConversationSummary> Clear(string conversationId, long throughSeq)
    {
        var entry = _index.Member(conversationId);
        if (_index.ClearThrough(conversationId, throughSeq, await _reads.LastSeqOf(conversationId, entry)) is { } cleared)
        {
            await Append([cleared]);
            TellReceipts(conversationId, _index.Member(conversationId), 0);
        }
        return await _reads.Summary(conversationId, entry);
    }

    // Membership is the conversation's to check; an inbox that does not know the conversation hid nothing.
    public Task<HiddenMessages> GetHidden(string conversationId) => Task.FromResult(_index.HiddenOf(conversationId));
}
