using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// A conversation's edits and reactions. Each is a notice in the conversation's own timeline
/// (<c>edited</c>, <c>reaction</c>), so it reaches every member in order with the messages, in
/// either fan-out mode, and the stored message it names is rewritten in place, so history shows its
/// latest body and reactions. Who may change what is <see cref="MessageChangeRules"/>.
/// <para>
/// Crash story: the notice is staged in the state's pending notices and stored with the state
/// before it is appended (<see cref="ConversationNotices.Write"/>), and stays pending after it lands
/// until the message is rewritten. A crash before the state write changed nothing; one after it
/// leaves the notice pending, and the next activation appends it if it did not land
/// (<see cref="ConversationNotices.Mend"/>) and then rewrites the messages of every pending change
/// (<see cref="Mend"/>), before it takes any call. Rewriting applies the notices in seq order and
/// each one is idempotent, so one applied twice does no harm. Calls that change messages are not
/// interleaved, so each reads the message as the last change left it: reactions from many members
/// to one message are applied one after the other and none is lost. A client's retry of a change
/// that landed changes nothing (the same body, a reaction given already or taken back already).
/// </para>
/// </summary>
internal sealed class MessageChanges(
    ConversationStore store,
    ConversationHistory history,
    IConversationFanoutHost host,
    ITimelineStore timeline,
    ConversationNotices notices,
    SeqlineLimits limits,
    ConversationOptions options,
    TimeProvider clock)
{
    /// <summary><paramref name="userId"/> edits their message at <paramref name="seq"/>; returns it as stored now.</summary>
    public async Task<ChatMessage> Edit(string userId, long seq, string body)
    {
        store.RequireMember(userId);
        MessageChangeRules.RequireBody(body, limits);
        var message = await Stored(seq);
        if (!MessageChangeRules.MayEdit(message, userId, body, clock.GetUtcNow(), options.EditWindow, store.State.PendingRecalls.Contains(seq)))
            return message;
        return await Change(message, notices.Edited(userId, seq, body));
    }

    /// <summary><paramref name="userId"/> gives or takes back a reaction to the message at <paramref name="seq"/>; returns it as stored now.</summary>
    public async Task<ChatMessage> React(string userId, long seq, string emoji, bool add)
    {
        store.RequireMember(userId);
        MessageChangeRules.RequireEmoji(emoji);
        var message = await Stored(seq);
        if (!MessageChangeRules.MayReact(message, userId, emoji, add, limits, store.State.PendingRecalls.Contains(seq))) return message;
        return await Change(message, notices.Reaction(userId, seq, emoji, add));
    }

    /// <summary>
    /// On activation, after the pending notices are appended: rewrites the messages the pending
    /// changes name. Nothing is stored about it: the state forgets them at its next write.
    /// </summary>
    public async Task Mend()
    {
        var pending = store.State.PendingNotices.Where(n => SyncEventTypes.IsChange(n.Type) && n.Seq <= host.Head).OrderBy(n => n.Seq).ToList();
        foreach (var changes in pending.GroupBy(n => n.TargetSeq!.Value))
        {
            IReadOnlyList<TimelineEntry> entries;
            try
            {
                entries = await timeline.ReadAfterAsync(store.Id, changes.Key - 1, 1);
            }
            catch (TimelineTrimmedException)
            {
                entries = [];
            }
            // Trimmed meanwhile: nothing left to rewrite.
            if (entries.Count == 1 && entries[0].Seq == changes.Key)
            {
                var message = MessageCodec.ToMessage(store.Id, entries[0]);
                var changed = changes.Aggregate(message, MessageChangeRules.Apply);
                if (changed != message) await timeline.ReplaceAsync(store.Id, MessageCodec.ToEntry(changed));
            }
            store.State.PendingNotices.RemoveAll(changes.Contains);
        }
    }

    private async Task<ChatMessage> Stored(long seq)
    {
        store.RequireUsable();
        RecallRules.RequireHeld(store.Id, seq, history.TrimmedThrough, host.Head);
        var entries = await timeline.ReadAfterAsync(store.Id, seq - 1, 1);
        if (entries.Count == 0 || entries[0].Seq != seq) throw SeqlineException.NotFound($"'{store.Id}' has no message {seq}.");
        return MessageCodec.ToMessage(store.Id, entries[0]);
    }

    private async Task<ChatMessage> Change(ChatMessage message, ChatMessage draft)
    {
        var notice = (await notices.Write(() => { }, [draft]))[0];
        var changed = MessageChangeRules.Apply(message, notice);
        try
        {
            await timeline.ReplaceAsync(store.Id, MessageCodec.ToEntry(changed));
        }
        catch (Exception error)
        {
            // The notice is out and still pending: the next activation rewrites the message.
            store.Poison(error, "changed message");
            throw ConversationStore.Unavailable("The change could not be stored; retry it.");
        }
        store.State.PendingNotices.Remove(notice);
        return changed;
    }
}
