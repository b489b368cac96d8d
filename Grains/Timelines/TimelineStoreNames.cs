namespace Seqline.Timelines;

/// <summary>The two kinds of timeline, each its own keyed <see cref="ITimelineStore"/> service.</summary>
public static class TimelineStoreNames
{
    /// <summary>Storage timelines: one per conversation, every message, kept forever by default.</summary>
    public const string Conversations = "conversations";

    /// <summary>Sync timelines: one per user, what the user's devices must receive.</summary>
    public const string Inboxes = "inboxes";
}
