using Orleans.Concurrency;

namespace Seqline.Conversations;

/// <summary>
/// A conversation: its membership and its storage timeline, which keeps every message forever.
/// Keyed by conversation id. Every call names the acting user, and only members get through.
/// Refusals are <see cref="SeqlineException"/>s thrown before anything changes.
/// </summary>
[Alias("Seqline.Conversations.IConversationGrain")]
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the conversation. Creating a direct conversation that exists already returns it
    /// (the pair's id is deterministic); creating an existing group is a conflict.
    /// </summary>
    [Alias("Create")]
    Task<ConversationView> Create(NewConversation request);

    /// <summary>The conversation as <paramref name="userId"/>, a member, sees it.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<ConversationView> Get(string userId);

    /// <summary>
    /// Adds and removes members (group conversations only): the owner and admins do (admins only
    /// plain members), and any member may remove themselves. The owner leaving hands ownership to the
    /// longest-standing admin, else the longest-standing member.
    /// </summary>
    [Alias("ChangeMembers")]
    Task<ConversationView> ChangeMembers(MembershipChange change);

    /// <summary>
    /// The owner makes a member an admin or a plain member, or hands ownership over; each change is a
    /// <c>role</c> notice in the timeline. Giving a member the role they have changes nothing.
    /// </summary>
    [Alias("SetRole")]
    Task<ConversationView> SetRole(RoleChange change);

    /// <summary>The owner or an admin renames a group (null: no title); the change is a <c>title</c> notice in the timeline.</summary>
    [Alias("SetTitle")]
    Task<ConversationView> SetTitle(string actorId, string? title);

    /// <summary>
    /// Appends a message to the storage timeline and returns once it is durable. Concurrent sends
    /// are committed together. A retry with the same (sender, clientMsgId) returns the original seq.
    /// </summary>
    [Alias("Send"), AlwaysInterleave]
    Task<SendReceipt> Send(OutgoingMessage message);

    /// <summary>
    /// Recalls <paramref name="userId"/>'s own message within the recall window: the stored message
    /// becomes a tombstone (same seq, no body) and every member's inbox gets a <c>recall</c> event.
    /// Recalling a tombstone again returns it.
    /// </summary>
    [Alias("Recall")]
    Task<ChatMessage> Recall(string userId, long seq);

    /// <summary>
    /// <paramref name="userId"/> edits their own message within the edit window: an <c>edited</c>
    /// notice goes to every member and the stored message gets the new body and <c>EditedAt</c>.
    /// Returns the message as stored; an edit to the body it has changes nothing. A notice cannot be
    /// edited, nor a recalled message (conflict).
    /// </summary>
    [Alias("Edit")]
    Task<ChatMessage> Edit(string userId, long seq, string body);

    /// <summary>
    /// <paramref name="userId"/> reacts to the message at <paramref name="seq"/> with
    /// <paramref name="emoji"/>: a <c>reaction</c> notice goes to every member and the stored message
    /// lists the reaction. Returns the message as stored; a reaction given already changes nothing.
    /// </summary>
    [Alias("AddReaction")]
    Task<ChatMessage> AddReaction(string userId, long seq, string emoji);

    /// <summary>Takes back <paramref name="userId"/>'s reaction, as <see cref="AddReaction"/> gives it; one not given changes nothing.</summary>
    [Alias("RemoveReaction")]
    Task<ChatMessage> RemoveReaction(string userId, long seq, string emoji);

    /// <summary>Up to <paramref name="limit"/> messages with seq below <paramref name="before"/> (null: the newest).</summary>
    [Alias("ReadBefore"), AlwaysInterleave]
    Task<MessagePage> ReadBefore(string userId, long? before, int limit);

    /// <summary>Up to <paramref name="limit"/> messages with seq above <paramref name="after"/>.</summary>
    [Alias("ReadAfter"), AlwaysInterleave]
    Task<MessagePage> ReadAfter(string userId, long after, int limit);
}
