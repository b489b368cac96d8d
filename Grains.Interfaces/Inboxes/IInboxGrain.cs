using Seqline.Push;

namespace Seqline.Inboxes;

/// <summary>
/// A user's inbox: the sync timeline every device of the user pulls from its own cursor, and the
/// user's conversation index. Keyed by user id; the edge only ever calls the caller's own inbox.
/// </summary>
[Alias("Seqline.Inboxes.IInboxGrain")]
public interface IInboxGrain : IGrainWithStringKey
{
    /// <summary>
    /// The events after <paramref name="cursor"/>, oldest first. A null cursor, or one from an
    /// earlier epoch, gives a reset with a conversation snapshot. A tampered cursor is invalid; another
    /// user's cursor is forbidden.
    /// </summary>
    [Alias("Sync")]
    Task<SyncPage> Sync(string? cursor, int limit);

    /// <summary>The user's conversations, most recently active first.</summary>
    [Alias("GetConversations")]
    Task<IReadOnlyList<ConversationSummary>> GetConversations();

    /// <summary>Moves the read position forward (never back) and tells the user's other devices.</summary>
    [Alias("MarkRead")]
    Task<ConversationSummary> MarkRead(string conversationId, long seq);

    /// <summary>Hides one message for all the user's devices; others still see it.</summary>
    [Alias("Hide")]
    Task<ConversationSummary> Hide(string conversationId, long seq);

    /// <summary>Clears the conversation up to <paramref name="throughSeq"/> for all the user's devices (and reads it).</summary>
    [Alias("Clear")]
    Task<ConversationSummary> Clear(string conversationId, long throughSeq);

    /// <summary>What the user hid of a conversation, so history can leave it out.</summary>
    [Alias("GetHidden")]
    Task<HiddenMessages> GetHidden(string conversationId);

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
    /// Registers (or renews) an edge node's observer: it gets every new event of this inbox until it
    /// unsubscribes or its registration expires. Renew well within <c>Seqline:Push:ObserverExpiry</c>.
    /// Returns the cursor at the inbox's head: events up to it were not pushed to this observer.
    /// </summary>
    [Alias("Subscribe")]
    Task<string> Subscribe(IInboxObserver observer);

    /// <summary>Removes an edge node's observer, when the user's last device there disconnects.</summary>
    [Alias("Unsubscribe")]
    Task Unsubscribe(IInboxObserver observer);

    /// <summary>
    /// Diagnostics: how many edge nodes' observers are registered and not expired, i.e. how many
    /// edge nodes the next push goes to.
    /// </summary>
    [Alias("CountObservers")]
    Task<int> CountObservers();

    /// <summary>
    /// Diagnostics: how many subscriptions Orleans' pub-sub holds for this inbox on the streams of
    /// its read-fan-out conversations (one per conversation while a device is connected, else none).
    /// </summary>
    [Alias("CountStreamSubscriptions")]
    Task<int> CountStreamSubscriptions();
}
