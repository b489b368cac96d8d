using Orleans.Concurrency;

namespace Seqline.Conversations;

/// <summary>
/// Who sent a conversation's newest messages (internal: its receipts ask, so that a member's move is
/// told only to the members whose messages it passed). Answered from memory, never from the store.
/// </summary>
[Alias("Seqline.Conversations.IConversationSenders")]
public interface IConversationSenders : IGrainWithStringKey
{
    /// <summary>
    /// The sender of every seq in (<paramref name="after"/>, <paramref name="upTo"/>], oldest first;
    /// null when the conversation no longer knows them all (older than the last few hundred, or
    /// stored before its activation began): then the caller must assume anyone sent them.
    /// </summary>
    [Alias("SentBetween"), AlwaysInterleave]
    Task<IReadOnlyList<SentBy>?> SentBetween(long after, long upTo);
}

/// <summary>A stored seq and who sent it (the actor, for notices the conversation writes itself).</summary>
[GenerateSerializer, Immutable, Alias("Seqline.Conversations.SentBy")]
public sealed record SentBy([property: Id(0)] long Seq, [property: Id(1)] string SenderId);
