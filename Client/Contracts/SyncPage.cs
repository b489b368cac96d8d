namespace Seqline.Client;

/// <summary>A page of the user's sync timeline, as returned by a pull.</summary>
/// <param name="Reset">
/// True when the pull had no cursor or the cursor had expired: <paramref name="Events"/> is empty,
/// <paramref name="Conversations"/> holds a snapshot, and the client must rebuild its local state from it.
/// </param>
/// <param name="Events">The events after the requested cursor, oldest first.</param>
/// <param name="Cursor">The opaque position after the last returned event; pass it to the next pull.</param>
/// <param name="HasMore">Whether more events follow; pull again with <paramref name="Cursor"/>.</param>
/// <param name="Conversations">The conversation list snapshot, on a reset page only.</param>
public sealed record SyncPage(
    bool Reset,
    IReadOnlyList<SyncEvent> Events,
    string Cursor,
    bool HasMore,
    IReadOnlyList<ConversationSummary>? Conversations = null);
