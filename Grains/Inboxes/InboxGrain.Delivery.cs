using Seqline.Conversations;

namespace Seqline.Inboxes;

/// <summary>
/// What conversations call: deliveries of messages, recalls and fan-out switches, joins and
/// leaves, what read fan-out tells instead of copies (mentions, the user's own sends, a new title),
/// and the batches a read-fan-out conversation's relay hands on for live push.
/// </summary>
public sealed partial class InboxGrain
{
    public async Task Deliver(InboxDelivery delivery)
    {
        RequireUsable();
        var conversation = delivery.Conversation;
        var events = _index.EventsOf(delivery);
        if (events.Count > 0)
        {
            await Append(events, tracked: conversation);
            PushOfflineMessages(events);
        }
        // Also when the recall event was appended before (a redelivery): the copy may not be blank yet.
        // And when the user has left since: the copies from before are still here.
        if (delivery.Recalls is { Count: > 0 } recalls)
        {
            // In read fan-out, messages from the switch on were never copied here.
            var copiedBelow = _index.TryGet(conversation.ConversationId, out var entry) && entry.Fanout == FanoutMode.Read ? entry.FanoutSince : long.MaxValue;
            await new RecalledCopies(timeline, UserId).Blank(conversation.ConversationId, recalls, Checkpointed.Head, _trimmedThrough, copiedBelow);
        }
    }

    public async Task Join(ConversationRef conversation)
    {
        // Known already: a notice delivered again. Otherwise nothing changes before the joined
        // event is durable, so a join that fails is told again in full.
        if (_index.Contains(conversation.ConversationId))
        {
            _index.Track(conversation, clock.GetUtcNow());
            await Checkpoint();
        }
        else
        {
            await Append([new SyncEvent(SyncEventTypes.Joined, conversation.ConversationId, conversation.NextSeq, Fanout: conversation.Fanout)],
                tracked: conversation);
        }
    }

    public async Task Leave(string conversationId, long lastSeq)
    {
        if (!_index.Contains(conversationId)) return;
        await Append([new SyncEvent(SyncEventTypes.Left, conversationId, lastSeq)]);
    }

    public async Task Renamed(ConversationRef conversation)
    {
        RequireUsable();
        if (!_index.TryGet(conversation.ConversationId, out var entry) || entry.Title == conversation.Title) return;
        _index.Track(conversation, clock.GetUtcNow());
        await Checkpoint();
    }

    public async Task Mentioned(string conversationId, IReadOnlyList<long> seqs)
    {
        var fresh = _index.MentionsOf(conversationId, seqs);
        if (fresh.Count == 0) return;
        await Append(fresh);
        await PushOfflineMentions(conversationId, fresh);
    }

    public async Task Wrote(string conversationId, long seq)
    {
        if (_index.Wrote(conversationId, seq) is { } read) await Append([read]);
    }

    // A batch a followed relay hands on; the answer tells the relay whether to go on.
    public async Task<bool> Live(ConversationMessages batch)
    {
        if (!_relays.IsFollowing(batch.ConversationId)) return false;
        await OnConversationMessages(batch);
        return _relays.IsFollowing(batch.ConversationId);
    }
}
