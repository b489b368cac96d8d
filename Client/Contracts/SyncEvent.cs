using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seqline.Client;

/// <summary>One entry of the user's sync timeline.</summary>
/// <param name="Type">One of <see cref="SyncEventTypes"/>, or a newer type this client does not know.</param>
/// <param name="ConversationId">The conversation the event is about.</param>
/// <param name="Seq">For a message its seq; for a read marker the new read seq; for recall, hidden, cleared and mention events the message's seq.</param>
/// <param name="SenderId">The sender, for a message.</param>
/// <param name="ClientMsgId">The sender's idempotency key, for a message.</param>
/// <param name="SentAt">When the message was accepted, for a message.</param>
/// <param name="Body">The text, for a message.</param>
/// <param name="Fanout">For <c>joined</c> and <c>fanout</c> events: how the conversation delivers from <paramref name="Seq"/> on (<see cref="FanoutModes"/>); on a message or notice, <c>read</c> when it came through read fan-out (no receipts: not acknowledged).</param>
/// <param name="Recalled">For a message: it was recalled before this device got it, so it arrives as a tombstone.</param>
/// <param name="Mentions">For a message: the members it mentions, if any.</param>
/// <param name="UserId">For a <c>role</c> event: the member whose role changed (<paramref name="SenderId"/> changed it).</param>
/// <param name="Role">For a <c>role</c> event: their role from <paramref name="Seq"/> on (<see cref="MemberRoles"/>).</param>
/// <param name="Title">For a <c>title</c> event: the group's new title; null when <paramref name="SenderId"/> removed it.</param>
/// <param name="ReplyTo">For a reply: the seq it replies to (see <see cref="Message.ReplyTo"/>).</param>
/// <param name="Quote">For a reply: what it quotes of the original.</param>
/// <param name="ContentType">For a typed message: its type; null for text.</param>
/// <param name="Content">For a typed message: its JSON object.</param>
/// <param name="TargetSeq">For <c>edited</c> and <c>reaction</c> events: the message changed (<paramref name="Body"/> is an edit's new text).</param>
/// <param name="EditedAt">For a message: when it was last edited, if it was before this device got it.</param>
/// <param name="Reactions">For a message: its reactions when this device got it, if any.</param>
/// <param name="Emoji">For a <c>reaction</c> event: the emoji.</param>
/// <param name="Removed">For a <c>reaction</c> event: the reaction was taken back.</param>
public sealed record SyncEvent(
    string Type,
    string ConversationId,
    long Seq,
    string? SenderId = null,
    string? ClientMsgId = null,
    DateTimeOffset? SentAt = null,
    string? Body = null,
    string? Fanout = null,
    bool Recalled = false,
    IReadOnlyList<string>? Mentions = null,
    string? UserId = null,
    string? Role = null,
    string? Title = null,
    long? ReplyTo = null,
    MessageQuote? Quote = null,
    string? ContentType = null,
    JsonElement? Content = null,
    long? TargetSeq = null,
    DateTimeOffset? EditedAt = null,
    IReadOnlyList<Reaction>? Reactions = null,
    string? Emoji = null,
    bool Removed = false)
{
    /// <summary>Fields this version of the client has no property for, so that handlers of newer event types can still read them.</summary>
    // Not init: System.Text.Json fills extension data after construction and rejects init-only members for it.
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalFields { get; internal set; }

    /// <summary>Value equality over the known fields, <see cref="Mentions"/> by content, <see cref="Content"/> by its JSON text; <see cref="AdditionalFields"/> is a bag, not part of the identity.</summary>
    public bool Equals(SyncEvent? other) =>
        other is not null && (Type, ConversationId, Seq, SenderId, ClientMsgId, SentAt, Body, Fanout, Recalled, UserId, Role, Title) ==
        (other.Type, other.ConversationId, other.Seq, other.SenderId, other.ClientMsgId, other.SentAt, other.Body, other.Fanout, other.Recalled,
            other.UserId, other.Role, other.Title) &&
        (ReplyTo, Quote, ContentType, Content?.GetRawText()) == (other.ReplyTo, other.Quote, other.ContentType, other.Content?.GetRawText()) &&
        (TargetSeq, EditedAt, Emoji, Removed) == (other.TargetSeq, other.EditedAt, other.Emoji, other.Removed) &&
        (Mentions ?? []).SequenceEqual(other.Mentions ?? []);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, ConversationId, Seq, ClientMsgId, SentAt);

    /// <summary>The event as a <see cref="Message"/>, or null when it is not a message event.</summary>
    public Message? ToMessage() => Type == SyncEventTypes.Message
        ? new Message(ConversationId, Seq, SenderId ?? "", ClientMsgId ?? "", SentAt ?? default, Body ?? "", Recalled, Mentions,
            ReplyTo: ReplyTo, Quote: Quote, ContentType: ContentType, Content: Content, EditedAt: EditedAt, Reactions: Reactions)
        : null;

    /// <summary>Whether the event is an entry of the conversation's timeline (a message or a notice), which takes a seq there.</summary>
    public bool IsTimelineEntry => Type is SyncEventTypes.Message or SyncEventTypes.Role or SyncEventTypes.Title or SyncEventTypes.Edited or SyncEventTypes.Reaction;

    // The event sync would have carried for an entry read from history instead, e.g. after a reset.
    internal static SyncEvent For(Message message) => message.Type is { } notice
        ? new(notice, message.ConversationId, message.Seq, message.SenderId, SentAt: message.SentAt, UserId: message.UserId, Role: message.Role, Title: message.Title,
            Body: notice == SyncEventTypes.Edited ? message.Body : null, TargetSeq: message.TargetSeq, Emoji: message.Emoji, Removed: message.Removed)
        : new(SyncEventTypes.Message, message.ConversationId, message.Seq, message.SenderId, message.ClientMsgId, message.SentAt, message.Body,
            Recalled: message.Recalled, Mentions: message.Mentions,
            ReplyTo: message.ReplyTo, Quote: message.Quote, ContentType: message.ContentType, Content: message.Content,
            EditedAt: message.EditedAt, Reactions: message.Reactions);
}
