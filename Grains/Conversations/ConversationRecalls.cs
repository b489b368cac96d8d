using Microsoft.Extensions.Logging;
using Seqline.Hosting;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// A conversation's recall process, from the member's call to every inbox. A recall is recorded
/// in the state as pending first and the stored message rewritten as a tombstone after, so one cut
/// short by a crash is finished by the fan-out (<see cref="Deliver"/> writes the tombstone again
/// before telling anyone). It owns the count of recalls being recorded, during which the
/// conversation is not idle. Who may recall what is <see cref="RecallRules"/>; who is owed a
/// recall after a delivery is <see cref="FanoutRows"/>.
/// </summary>
internal sealed class ConversationRecalls(
    ConversationStore store,
    ConversationHistory history,
    IConversationFanoutHost host,
    ITimelineStore timeline,
    FanoutCalls calls,
    Func<long, Task> unstoredReplies,
    RecoveryReminder reminder,
    ConversationOptions options,
    TimeProvider clock,
    ILogger logger)
{
    private int _recalling;

    /// <summary>A recall is being recorded.</summary>
    public bool Busy => _recalling > 0;

    /// <summary>Records the recall of <paramref name="userId"/>'s message at <paramref name="seq"/>; returns its tombstone.</summary>
    public async Task<ChatMessage> Recall(string userId, long seq)
    {
        store.RequireMember(userId);
        store.RequireUsable();
        RecallRules.RequireHeld(store.Id, seq, history.TrimmedThrough, host.Head);
        var entries = await timeline.ReadAfterAsync(store.Id, seq - 1, 1);
        if (entries.Count == 0) throw SeqlineException.NotFound($"'{store.Id}' has no message {seq}.");
        var message = MessageCodec.ToMessage(store.Id, entries[0]);
        var tombstone = RecallRules.Recall(message, userId, clock.GetUtcNow(), options.RecallWindow);

        // The recall is recorded first and the tombstone written after, so a crash in between
        // leaves a pending recall whose delivery writes the tombstone; a retry (also of a recall
        // that went through) makes sure it goes out.
        _recalling++;
        try
        {
            await reminder.Ensure();
            if (!store.State.PendingRecalls.Contains(seq))
            {
                store.State.PendingRecalls.Add(seq);
                await store.WriteState();
            }
            if (!message.Recalled) await timeline.ReplaceAsync(store.Id, MessageCodec.ToEntry(tombstone));
            // Replies not stored yet quote nothing of it from here on; those being stored are waited
            // for, so the scan finds them. Also on a retry: a recall cut short may have blanked only some.
            await unstoredReplies(seq);
            await RecalledQuotes.Blank(timeline, store.Id, seq);
        }
        catch (Exception error) when (error is not SeqlineException)
        {
            store.Poison(error, "recall");
            throw ConversationStore.Unavailable("The recall could not be stored; retry it.");
        }
        finally
        {
            _recalling--;
        }
        return tombstone;
    }

    /// <summary>
    /// The fan-out's step for recalls whose messages have gone out: the tombstones made sure of,
    /// every inbox in step told, those behind owed them, and the recalls no longer pending.
    /// </summary>
    public async Task Deliver(IReadOnlyList<long> seqs)
    {
        foreach (var seq in seqs)
        {
            var stored = await timeline.ReadAfterAsync(store.Id, seq - 1, 1);
            if (stored.Count == 1 && MessageCodec.ToMessage(store.Id, stored[0]) is { Recalled: false } message)
                await timeline.ReplaceAsync(store.Id, MessageCodec.ToEntry(RecallRules.Tombstone(message)));
        }
        var failed = await calls.Recall(FanoutRows.RecallRecipients(store.Membership), seqs);
        if (failed.Count > 0) logger.FellBehind(store.Id, failed.Count);
        // Inboxes behind are owed the recalls too: one may hold a message past where it is known
        // to be (a delivery that failed after it landed). A recall of a message it never got is harmless.
        await store.UpdateRows(m => FanoutRows.Recalled(m, failed, seqs, store.State.FannedOutThrough).ToList());
        store.State.PendingRecalls.RemoveAll(seqs.Contains);
        await store.WriteState();
    }
}
