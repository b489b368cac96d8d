namespace Seqline.Client;

/// <summary>A stored entry of a conversation: a message, or a notice of a role or title change (<see cref="Type"/>).</summary>
/// <param name="ConversationId">The conversation it belongs to.</param>
/// <param name="Seq">Its position in the conversation: contiguous from 1, the same on every device.</param>
/// <param name="SenderId">The user who sent it.</param>
/// <param name="ClientMsgId">The sender's idempotency key; lets the sending device match it to its outbox.</param>
/// <param name="SentAt">When the server accepted it.</param>
/// <param name="Body">The message text; empty once recalled.</param>
/// <param name="Recalled">True for the tombstone of a message its sender recalled: show "message recalled", not an empty message.</param>
/// <param name="Mentions">The members the message mentions (its send's list and <c>@userId</c> in the body), if any.</param>
/// <param name="Type">
/// Null for a message; for a notice the conversation wrote itself, <see cref="SyncEventTypes.Role"/> or
/// <see cref="SyncEventTypes.Title"/>: <see cref="SenderId"/> made the change, and body and client id are empty.
/// </param>
/// <param name="UserId">For a role notice: the member whose role changed.</param>
/// <param name="Role">For a role notice: their role from this seq on (<see cref="MemberRoles"/>).</param>
/// <param name="Title">For a title notice: the new title; null when it was removed.</param>
/// <param name="ReplyTo">The seq of the message this one replies to, if it is a reply.</param>
/// <param name="Quote">For a reply: what it quotes of <paramref name="ReplyTo"/>, as it was when the reply was sent.</param>
/// <param name="ContentType">Null for text; else <see cref="ContentTypes.Image"/>, <see cref="ContentTypes.File"/> or an <c>x-</c> type. <paramref name="Body"/> is always the fallback text to show for a type the app does not render.</param>
/// <param name="Content">The typed content, a JSON object (for an image or a file <c>{ url, size, mediaType, name?, width?, height? }</c>).</param>
/// <param name="TargetSeq">For an edit or reaction notice: the message it changed (already applied to that message in history).</param>
/// <param name="EditedAt">For a message: when its sender last edited it; null when never.</param>
/// <param name="Reactions">For a message: its reactions, in the order first given; null when none.</param>
/// <param name="Emoji">For a reaction notice: the emoji.</param>
/// <param name="Removed">For a reaction notice: true when the reaction was taken back.</param>
public sealed record Message(
    string ConversationId,
    long Seq,
    string SenderId,
    string ClientMsgId,
    DateTimeOffset SentAt,
    string Body,
    bool Recalled = false,
    IReadOnlyList<string>? Mentions = null,
    string? Type = null,
    string? UserId = null,
    string? Role = null,
    string? Title = null,
    long? ReplyTo = null,
    MessageQuote? Quote = null,
    string? ContentType = null,
    System.Text.Json.JsonElement? Content = null,
    long? TargetSeq = null,
    DateTimeOffset? EditedAt = null,
    IReadOnlyList<Reaction>? Reactions = null,
    string? Emoji = null,
    bool Removed = false);

/// <summary>One emoji's reactions to a message.</summary>
/// <param name="Emoji">The emoji.</param>
/// <param name="Count">How many members gave it.</param>
/// <param name="Users">Who gave it, in the order they did.</param>
public sealed record Reaction(string Emoji, int Count, IReadOnlyList<string> Users);
