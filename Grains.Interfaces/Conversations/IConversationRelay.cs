namespace Seqline.Conversations;

/// <summary>
/// The live edge of a read-fan-out conversation (internal to the cluster: only inboxes call it).
/// It is the one consumer of the conversation's stream, an implicit subscription that pub-sub
/// stores nothing for, and it hands each batch to the inboxes that follow it, in order. Who follows
/// is kept in memory only, so a member's device connecting or disconnecting costs no store write
/// whatever the group's size; an inbox renews its follow with each renewal of its edge's
/// registration, and a relay that was lost (its silo went) learns its followers again that way.
/// </summary>
[Alias("Seqline.Conversations.IConversationRelay")]
public interface IConversationRelay : IGrainWithStringKey
{
    /// <summary>
    /// Follows (or renews the follow of) the inbox of <paramref name="userId"/>. True when the relay
    /// did not know it: batches may have gone by meanwhile, which the inbox then reads back.
    /// </summary>
    [Alias("Follow")]
    Task<bool> Follow(string userId);

    /// <summary>The inbox no longer follows (its user left, the conversation switched back, or nobody is online).</summary>
    [Alias("Unfollow")]
    Task Unfollow(string userId);

    /// <summary>Diagnostics: whether the inbox of <paramref name="userId"/> follows this relay.</summary>
    [Alias("IsFollowedBy")]
    Task<bool> IsFollowedBy(string userId);

    /// <summary>Diagnostics: how many inboxes follow this relay.</summary>
    [Alias("CountFollowers")]
    Task<int> CountFollowers();
}
