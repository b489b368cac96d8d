namespace Seqline.Client;

/// <summary>One row of the caller's conversation list.</summary>
/// <param name="ConversationId">The conversation's id.</param>
/// <param name="Title">The title, if any.</param>
/// <param name="Kind">One of <see cref="ConversationKinds"/>.</param>
/// <param name="Fanout">One of <see cref="FanoutModes"/>.</param>
/// <param name="LastSeq">The seq of the newest message.</param>
/// <param name="ReadSeq">The caller's read cursor: every message up to this seq is read.</param>
/// <param name="Unread">How many messages are after <paramref name="ReadSeq"/>.</param>
/// <param name="LastMessage">The newest message, to show in a conversation list; absent when there is none.</param>
/// <param name="Mentions">How many unread messages mention the caller.</param>
/// <param name="ClearedThrough">The caller cleared the conversation up to this seq on all their devices; 0 when never cleared.</param>
/// <param name="Muted">The caller muted the conversation: it sends them no offline pushes.</param>
public sealed record ConversationSummary(
    string ConversationId,
    string? Title,
    string Kind,
    string Fanout,
    long LastSeq,
    long ReadSeq,
    long Unread,
    MessagePreview? LastMessage,
    long Mentions = 0,
    long ClearedThrough = 0,
    bool Muted = false);
