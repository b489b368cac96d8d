using Seqline.Inboxes;

namespace Seqline.Conversations;

/// <summary>
/// The notices a group writes into its own timeline when a member changes a role or the title, so
/// that every member learns of the change in order with the messages, by sync and push, in either
/// fan-out mode. A change holds new seqs back (<see cref="ConversationSends.Hold"/>), stages its
/// notices at the seqs after the head into the state's pending notices, stores the state with the
/// change itself, and only then appends them: the next activation appends what a crash left pending
/// (<see cref="Mend"/>) and forgets what landed. Notices that change an earlier message (edits and
/// reactions, <see cref="MessageChanges"/>) stay pending after they land, until the message is rewritten.
/// </summary>
internal sealed class ConversationNotices(ConversationStore store, ConversationSends sends, RecoveryReminder reminder, TimeProvider clock)
{
    /// <summary>A <c>role</c> notice: <paramref name="actorId"/> gave the user their role.</summary>
    public ChatMessage Role(string actorId, RoleAssignment change) =>
        new(store.Id, 0, actorId, "", default, "", Type: SyncEventTypes.Role, UserId: change.UserId, Role: change.Role);

    /// <summary>A <c>title</c> notice: <paramref name="actorId"/> renamed the group (null: no title).</summary>
    public ChatMessage Title(string actorId, string? title) => new(store.Id, 0, actorId, "", default, "", Type: SyncEventTypes.Title, Title: title);

    /// <summary>An <c>edited</c> notice: <paramref name="actorId"/> gave the message at <paramref name="seq"/> a new body.</summary>
    public ChatMessage Edited(string actorId, long seq, string body) => new(store.Id, 0, actorId, "", default, body, Type: SyncEventTypes.Edited, TargetSeq: seq);

    /// <summary>A <c>reaction</c> notice: <paramref name="actorId"/> gave (or took back) <paramref name="emoji"/> on the message at <paramref name="seq"/>.</summary>
    public ChatMessage Reaction(string actorId, long seq, string emoji, bool add) =>
        new(store.Id, 0, actorId, "", default, "", Type: SyncEventTypes.Reaction, TargetSeq: seq, Emoji: emoji, Removed: add ? null : true);

    /// <summary>
    /// Makes a change with its notices: holds new seqs back, makes the change in memory, stages the
    /// notices, stores the state with both, and appends the notices. Returns them as staged.
    /// </summary>
    public async Task<List<ChatMessage>> Write(Action change, IEnumerable<ChatMessage> drafts)
    {
        store.RequireUsable();
        try
        {
            await sends.Hold();
            store.RequireUsable();
            await reminder.Ensure();
            change();
            var staged = Stage(drafts);
            await store.WriteState();
            await Append(staged);
            return staged;
        }
        finally
        {
            sends.Release();
        }
    }

    /// <summary>
    /// Gives the notices the seqs after the head and records them as pending in the state in memory;
    /// the caller's next state write stores them. Only while new seqs are held back.
    /// </summary>
    public List<ChatMessage> Stage(IEnumerable<ChatMessage> drafts)
    {
        var at = MessageCodec.StoredTime(clock.GetUtcNow());
        var staged = drafts.Select((notice, i) => notice with { Seq = sends.Head + 1 + i, SentAt = at }).ToList();
        store.State.PendingNotices.AddRange(staged);
        return staged;
    }

    /// <summary>Appends staged notices once the state that records them is stored.</summary>
    public async Task Append(IReadOnlyList<ChatMessage> staged)
    {
        if (staged.Count == 0) return;
        await sends.AppendNotices(staged);
        // The stored state lists them until its next write; the next activation sees they landed.
        // A change of a message stays until the message is rewritten.
        store.State.PendingNotices.RemoveAll(n => n.Seq <= staged[^1].Seq && !SyncEventTypes.IsChange(n.Type));
    }

    /// <summary>On activation, before any send: appends the pending notices that did not land.</summary>
    public async Task Mend()
    {
        var pending = store.State.PendingNotices;
        pending.RemoveAll(n => n.Seq <= sends.Head && !SyncEventTypes.IsChange(n.Type));
        var unlanded = pending.Where(n => n.Seq > sends.Head).ToList();
        if (unlanded.Count == 0) return;
        // Staged at the seqs after the head they were stored with, and nothing appended since.
        await Append(unlanded.Select((notice, i) => notice with { Seq = sends.Head + 1 + i }).ToList());
    }
}
