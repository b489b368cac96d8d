namespace Seqline.Conversations;

/// <summary>
/// What a conversation persists as grain state: what it is, and how far its fan-out has got. It
/// stays small: the members are rows of the members row store, and the messages themselves, and so
/// the last seq, live in the storage timeline.
/// </summary>
[GenerateSerializer]
public sealed class ConversationState
{
    [Id(0)] public ConversationKind Kind { get; set; }
    [Id(1)] public string? Title { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public string CreatedBy { get; set; } = "";

    /// <summary>
    /// Every message up to this seq is in the inbox of every member who keeps step (or, in read
    /// fan-out, published); members who fell behind say in their rows how far they have got.
    /// </summary>
    [Id(5)] public long FannedOutThrough { get; set; }

    /// <summary>
    /// The fan-out mode from each seq on: the one in force where the slowest inbox stands, and any
    /// later switches. The last entry is the current mode.
    /// </summary>
    [Id(6)] public List<FanoutChange> FanoutChanges { get; set; } = [];

    /// <summary>
    /// Recalled seqs whose recall event has not gone out yet. A recall is recorded here before its
    /// tombstone is written, so one cut short by a crash is finished by the next activation.
    /// </summary>
    [Id(7)] public List<long> PendingRecalls { get; set; } = [];

    /// <summary>A group's owner: its creator at first; null in a direct conversation or a group everyone left.</summary>
    [Id(8)] public string? Owner { get; set; }

    /// <summary>A group's admins, the owner not among them; at most <c>Seqline:Limits:MaxAdmins</c>.</summary>
    [Id(9)] public List<string> Admins { get; set; } = [];

    /// <summary>
    /// Notices (role and title changes) stored here with their seqs before they are appended to the
    /// timeline, so that one cut short by a crash is appended by the next activation; those at or
    /// below the timeline's head have landed.
    /// </summary>
    [Id(10)] public List<ChatMessage> PendingNotices { get; set; } = [];
}
