using Seqline.Conversations;

namespace Seqline.Inboxes;

/// <summary>
/// The inbox role conversations use (internal: only <c>ConversationGrain</c>'s fan-out and its relay call it):
/// membership notices, messages in write fan-out, and in read fan-out what the member must learn
/// without the messages (mentions, their own writes). Every call is idempotent, so a fan-out that
/// resumes after a failure or a crash simply calls again.
/// </summary>
[Alias("Seqline.Inboxes.IInboxDelivery")]
public interface IInboxDelivery : IGrainWithStringKey
{
    /// <summary>
    /// Appends a conversation's messages. Idempotent on (conversation, seq): what the inbox has
    /// already is skipped, so a resumed fan-out never duplicates.
    /// </summary>
    [Alias("Deliver")]
    Task Deliver(InboxDelivery delivery);

    /// <summary>The user became a member of a conversation.</summary>
    [Alias("Join")]
    Task Join(ConversationRef conversation);

    /// <summary>
    /// The user left, or was removed from, a conversation; <paramref name="lastSeq"/> is the last
    /// message they were a member for. Their devices still receive everything up to it.
    /// </summary>
    [Alias("LeaveAfter")]
    Task Leave(string conversationId, long lastSeq);

    /// <summary>
    /// A read-fan-out conversation was renamed: its title notice stays in its own timeline, so the
    /// user's conversation list takes the title from <paramref name="conversation"/> here.
    /// </summary>
    [Alias("Renamed")]
    Task Renamed(ConversationRef conversation);

    /// <summary>Tells a member of a read-fan-out conversation they are mentioned at these seqs.</summary>
    [Alias("Mentioned")]
    Task Mentioned(string conversationId, IReadOnlyList<long> seqs);

    /// <summary>
    /// Tells a member of a read-fan-out conversation that they wrote the message at
    /// <paramref name="seq"/>, so they have read up to it: their own messages are never unread,
    /// and their other devices learn it as a <c>read</c> event.
    /// </summary>
    [Alias("Wrote")]
    Task Wrote(string conversationId, long seq);

    /// <summary>
    /// A batch a read-fan-out conversation published, handed on by its relay for live push. False
    /// when the inbox does not follow that conversation (any more): the relay then drops it.
    /// </summary>
    [Alias("Live")]
    Task<bool> Live(ConversationMessages batch);
}
