using Seqline.Conversations;

namespace Seqline.Inboxes;

/// <summary>
/// How far the user's conversation index has checkpointed the sync timeline: the index (rows of
/// the conversation-index row store, one per conversation) reflects every event up to
/// <see cref="Head"/>. It is written every <c>Seqline:Sync:CheckpointEvents</c> events rather than
/// on each append; entries past it are replayed from the timeline on activation, so a crash
/// before the next checkpoint loses nothing.
/// </summary>
[GenerateSerializer]
public sealed class InboxState
{
    /// <summary>Changes when the inbox starts over; cursors of another epoch reset.</summary>
    [Id(0)] public long Epoch { get; set; }

    /// <summary>The last sync-timeline seq the index rows are known to reflect.</summary>
    [Id(1)] public long Head { get; set; }

    /// <summary>When the user was last seen online, as of the last checkpoint (never written just for it).</summary>
    [Id(2)] public DateTimeOffset? LastSeen { get; set; }

    /// <summary>The user's setting: others see neither online nor last seen.</summary>
    [Id(3)] public bool HidePresence { get; set; }

    /// <summary>The user's setting: nobody sees their read position, and they see nobody's.</summary>
    [Id(4)] public bool HideReadReceipts { get; set; }
}

/// <summary>One conversation as this user's inbox knows it.</summary>
[GenerateSerializer]
public sealed class ConversationIndexEntry
{
    [Id(0)] public string? Title { get; set; }
    [Id(1)] public ConversationKind Kind { get; set; }
    [Id(2)] public FanoutMode Fanout { get; set; }

    /// <summary>
    /// The last message seq delivered here; deliveries at or below it are duplicates. In read
    /// fan-out, messages from <see cref="FanoutSince"/> on stay in the conversation's timeline.
    /// </summary>
    [Id(3)] public long LastSeq { get; set; }

    [Id(4)] public long ReadSeq { get; set; }
    [Id(5)] public MessagePreview? LastMessage { get; set; }
    [Id(6)] public DateTimeOffset LastActivity { get; set; }

    /// <summary>The seq from which the current fan-out mode holds; a change at or below it is old news.</summary>
    [Id(7)] public long FanoutSince { get; set; }

    /// <summary>The most recent recalls applied here, so a recall delivered twice is one event.</summary>
    [Id(8)] public List<long> RecentRecalls { get; set; } = [];

    /// <summary>Seqs of unread messages that mention the user (pruned as the read position passes them).</summary>
    [Id(9)] public List<long> MentionSeqs { get; set; } = [];

    /// <summary>Messages up to here are cleared for all the user's devices.</summary>
    [Id(10)] public long ClearedThrough { get; set; }

    /// <summary>Single messages above <see cref="ClearedThrough"/> hidden for all the user's devices.</summary>
    [Id(11)] public List<long> Hidden { get; set; } = [];

    /// <summary>The user muted the conversation: it sends no offline pushes.</summary>
    [Id(12)] public bool Muted { get; set; }

    /// <summary>
    /// Seqs above <see cref="ReadSeq"/> of notices that change a message (edits, reactions), which
    /// are not unread (pruned as the read position passes them).
    /// </summary>
    [Id(20)] public List<long> ChangeSeqs { get; set; } = [];
}
