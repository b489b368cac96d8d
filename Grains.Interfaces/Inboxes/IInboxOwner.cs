namespace Seqline.Inboxes;

/// <summary>
/// The inbox role its user's devices use, through the edge or another .NET service calling on
/// the user's behalf through the gateway: sync, the conversation list, and what the user does to
/// it (read, hide, clear). A caller must only ever ask for the inbox of the user it acts for.
/// </summary>
[Alias("Seqline.Inboxes.IInboxOwner")]
public interface IInboxOwner : IGrainWithStringKey
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

    /// <summary>
    /// Mutes or unmutes the conversation for all the user's devices: a muted one sends no offline
    /// pushes. Their devices get a <c>muted</c> or <c>unmuted</c> event; a change to what is so already is none.
    /// </summary>
    [Alias("Mute")]
    Task<ConversationSummary> Mute(string conversationId, bool muted);

    /// <summary>What the user hid of a conversation, so history can leave it out.</summary>
    [Alias("GetHidden")]
    Task<HiddenMessages> GetHidden(string conversationId);
}
