namespace Seqline.Conversations;

/// <summary>
/// What a conversation persists as grain state: how far fan-out has got and what it still owes.
/// It stays small: the members are rows of the members row store, and the messages themselves,
/// and so the last seq, live in the storage timeline.
/// </summary>
[GenerateSerializer]
public sealed class ConversationState
{
    [Id(0)] public ConversationKind Kind { get; set; }
    [Id(1)] public string? Title { get; set; }
    /// <summary>
    /// Where earlier versions kept the members. They are rows of the members row store now; a state
    /// that still has some hands them over on activation.
    /// </summary>
    [Id(2)] public HashSet<string> Members { get; set; } = new(StringComparer.Ordinal);
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public string CreatedBy { get; set; } = "";

    /// <summary>Every message up to this seq is in every member's inbox (or, in read fan-out, published).</summary>
    [Id(5)] public long FannedOutThrough { get; set; }

    /// <summary>
    /// The fan-out mode from each seq on: the one in force at <see cref="FannedOutThrough"/> and any
    /// later switches not yet delivered to the inboxes. The last entry is the current mode.
    /// </summary>
    [Id(6)] public List<FanoutChange> FanoutChanges { get; set; } = [];

    /// <summary>Recalled seqs whose recall event has not reached every member's inbox yet.</summary>
    [Id(7)] public List<long> PendingRecalls { get; set; } = [];
}
