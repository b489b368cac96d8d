using System.Text.Json.Serialization;

namespace Seqline.Conversations;

/// <summary>Group conversations change membership; direct ones are a fixed pair.</summary>
public enum ConversationKind
{
    Group,
    Direct,
}

/// <summary>How a conversation delivers to its members' inboxes.</summary>
public enum FanoutMode
{
    /// <summary>Every message is copied into every member's inbox after it is stored.</summary>
    Write,
    /// <summary>Messages stay in the conversation's timeline; members read them from there.</summary>
    Read,
}

/// <summary>
/// What a member may do in a group: the owner (one, its creator at first) manages roles and may do
/// everything admins do; admins add and remove plain members and change the title; members send,
/// read and leave. Direct conversations have no roles.
/// </summary>
public enum MemberRole
{
    Member,
    Admin,
    Owner,
}

/// <summary>A request to create a conversation.</summary>
/// <param name="CreatorId">The user creating it; always a member.</param>
/// <param name="Members">The other members (the creator may be repeated here).</param>
[GenerateSerializer, Immutable, Alias("Seqline.NewConversation")]
public sealed record NewConversation(
    [property: Id(0)] string CreatorId,
    [property: Id(1)] IReadOnlyList<string> Members,
    [property: Id(2)] string? Title,
    [property: Id(3)] ConversationKind Kind);

/// <summary>A conversation as its members see it.</summary>
/// <param name="Owner">A group's owner; null for a direct conversation (and a group everyone left).</param>
/// <param name="Admins">A group's admins, the owner not among them; empty for a direct conversation.</param>
[GenerateSerializer, Immutable, Alias("Seqline.ConversationView")]
public sealed record ConversationView(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] ConversationKind Kind,
    [property: Id(2)] string? Title,
    [property: Id(3)] IReadOnlyList<string> Members,
    [property: Id(4)] FanoutMode Fanout,
    [property: Id(5)] long LastSeq,
    [property: Id(6)] string? Owner = null,
    [property: Id(7)] IReadOnlyList<string>? Admins = null);

/// <summary>A membership change made by <paramref name="ActorId"/>, who must be a member.</summary>
[GenerateSerializer, Immutable, Alias("Seqline.MembershipChange")]
public sealed record MembershipChange(
    [property: Id(0)] string ActorId,
    [property: Id(1)] IReadOnlyList<string> Add,
    [property: Id(2)] IReadOnlyList<string> Remove);

/// <summary>
/// <paramref name="ActorId"/>, who must be the owner, gives <paramref name="UserId"/> a role. Giving
/// <see cref="MemberRole.Owner"/> hands ownership over: the actor becomes an admin.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.RoleChange")]
public sealed record RoleChange(
    [property: Id(0)] string ActorId,
    [property: Id(1)] string UserId,
    [property: Id(2)] MemberRole Role);

/// <summary>A message a member wants to send.</summary>
/// <param name="ClientMsgId">The sender's idempotency key: a retry with the same key is not sent twice.</param>
/// <param name="Mentions">Members to mention, besides those named as <c>@userId</c> in the body.</param>
/// <param name="ReplyTo">The seq of a message of this conversation this one replies to; the reply stores a quote of it.</param>
/// <param name="ContentType">Null or <c>text</c> for plain text; <c>image</c>, <c>file</c> or an <c>x-</c> type (see <c>ContentRules</c>).</param>
/// <param name="Content">The typed content as a JSON object's text; none for text. The body stays the fallback text.</param>
[GenerateSerializer, Immutable, Alias("Seqline.OutgoingMessage")]
public sealed record OutgoingMessage(
    [property: Id(0)] string SenderId,
    [property: Id(1)] string ClientMsgId,
    [property: Id(2)] string Body,
    [property: Id(3)] IReadOnlyList<string>? Mentions = null,
    [property: Id(30)] long? ReplyTo = null,
    [property: Id(31)] string? ContentType = null,
    [property: Id(32)] string? Content = null);

/// <summary>What a reply shows of the message it answers, copied when the reply is sent.</summary>
/// <param name="Snippet">The start of its body (at most <c>ReplyRules.QuoteLength</c> characters, "…" when cut); empty when it was recalled.</param>
/// <param name="ContentType">Its content type, when not text.</param>
/// <param name="Recalled">True when the original was recalled, before the reply was sent or since (then the snippet is empty).</param>
[GenerateSerializer, Immutable, Alias("Seqline.MessageQuote")]
public sealed record MessageQuote(
    [property: Id(0)] string SenderId,
    [property: Id(1)] string Snippet,
    [property: Id(2)] string? ContentType = null,
    [property: Id(3)] bool? Recalled = null);

/// <summary>The acknowledgement of a send: the message is durable at <paramref name="Seq"/>.</summary>
/// <param name="Duplicate">True when this was a retry of a message already stored.</param>
[GenerateSerializer, Immutable, Alias("Seqline.SendReceipt")]
public sealed record SendReceipt(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] long Seq,
    [property: Id(2)] DateTimeOffset SentAt,
    [property: Id(3)] bool Duplicate);

/// <summary>
/// A stored entry of a conversation's timeline: a message (a recalled one keeps its seq and loses
/// its body), or a notice the conversation wrote itself when a member changed a role or the title.
/// </summary>
/// <param name="SenderId">The sender of a message; the member who made the change, for a notice.</param>
/// <param name="ClientMsgId">The sender's idempotency key; empty for a notice.</param>
/// <param name="Type">
/// Null for a message. For a notice its kind, the same word as its sync event's type:
/// <c>role</c> (<paramref name="UserId"/> has <paramref name="Role"/> from this seq on) or
/// <c>title</c> (the conversation is called <paramref name="Title"/>, none when null); or a change of
/// the message at <paramref name="TargetSeq"/>: <c>edited</c> (its new <paramref name="Body"/>) or
/// <c>reaction</c> (<paramref name="SenderId"/> added <paramref name="Emoji"/>, or removed it when <paramref name="Removed"/>).
/// </param>
/// <param name="ReplyTo">The seq this message replies to, with <paramref name="Quote"/> of it as it was then.</param>
/// <param name="ContentType">Null for text; else <c>image</c>, <c>file</c> or an <c>x-</c> type, <paramref name="Content"/> its JSON object.</param>
/// <param name="EditedAt">A message's last edit, if any: its body is the edited one.</param>
/// <param name="Reactions">A message's reactions, in the order they were first given; null when none.</param>
[GenerateSerializer, Immutable, Alias("Seqline.ChatMessage")]
public sealed record ChatMessage(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] long Seq,
    [property: Id(2)] string SenderId,
    [property: Id(3)] string ClientMsgId,
    [property: Id(4)] DateTimeOffset SentAt,
    [property: Id(5)] string Body,
    [property: Id(6)] bool Recalled = false,
    [property: Id(7)] IReadOnlyList<string>? Mentions = null,
    [property: Id(8)] string? Type = null,
    [property: Id(9)] string? UserId = null,
    [property: Id(10)] MemberRole? Role = null,
    [property: Id(11)] string? Title = null,
    [property: Id(30)] long? ReplyTo = null,
    [property: Id(31)] MessageQuote? Quote = null,
    [property: Id(32)] string? ContentType = null,
    [property: Id(33), JsonConverter(typeof(RawJsonText))] string? Content = null,
    [property: Id(20)] long? TargetSeq = null,
    [property: Id(21)] DateTimeOffset? EditedAt = null,
    [property: Id(22)] IReadOnlyList<Reaction>? Reactions = null,
    [property: Id(23)] string? Emoji = null,
    [property: Id(24)] bool? Removed = null);

/// <summary>One emoji's reactions to a message: who gave it, in the order they did.</summary>
[GenerateSerializer, Immutable, Alias("Seqline.Reaction")]
public sealed record Reaction(
    [property: Id(0)] string Emoji,
    [property: Id(1)] IReadOnlyList<string> Users)
{
    /// <summary>How many members gave it.</summary>
    public int Count => Users.Count;
}

/// <summary>A page of history in ascending seq order.</summary>
/// <param name="HasMore">More messages lie beyond the page in the direction that was read.</param>
[GenerateSerializer, Immutable, Alias("Seqline.MessagePage")]
public sealed record MessagePage(
    [property: Id(0)] IReadOnlyList<ChatMessage> Messages,
    [property: Id(1)] bool HasMore);

/// <summary>From <paramref name="Since"/> on, the conversation delivers in <paramref name="Mode"/>.</summary>
[GenerateSerializer, Immutable, Alias("Seqline.FanoutChange")]
public sealed record FanoutChange(
    [property: Id(0)] long Since,
    [property: Id(1)] FanoutMode Mode);

/// <summary>New messages of a read-fan-out conversation, as published on its stream.</summary>
/// <param name="Leaving">
/// Users removed whose inboxes have not been told yet, each with the last seq they may still be
/// pushed: an inbox that follows the stream pushes its user nothing after it.
/// </param>
[GenerateSerializer, Immutable, Alias("Seqline.ConversationMessages")]
public sealed record ConversationMessages(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] IReadOnlyList<ChatMessage> Messages,
    [property: Id(2)] IReadOnlyDictionary<string, long>? Leaving = null);
