namespace Seqline.Client;

/// <summary>A stored message.</summary>
/// <param name="ConversationId">The conversation it belongs to.</param>
/// <param name="Seq">Its position in the conversation: contiguous from 1, the same on every device.</param>
/// <param name="SenderId">The user who sent it.</param>
/// <param name="ClientMsgId">The sender's idempotency key; lets the sending device match it to its outbox.</param>
/// <param name="SentAt">When the server accepted it.</param>
/// <param name="Body">The message text; empty once recalled.</param>
/// <param name="Recalled">True for the tombstone of a message its sender recalled: show "message recalled", not an empty message.</param>
/// <param name="Mentions">The members the message mentions (its send's list and <c>@userId</c> in the body), if any.</param>
public sealed record Message(
    string ConversationId,
    long Seq,
    string SenderId,
    string ClientMsgId,
    DateTimeOffset SentAt,
    string Body,
    bool Recalled = false,
    IReadOnlyList<string>? Mentions = null);
