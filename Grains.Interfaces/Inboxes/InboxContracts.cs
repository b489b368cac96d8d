using System.Text.Json.Serialization;
using Seqline.Conversations;

namespace Seqline.Inboxes;

/// <summary>The kinds of sync event; clients ignore kinds they do not know.</summary>
public static class SyncEventTypes
{
    public const string Message = "message";
    public const string Read = "read";

    /// <summary>The user became a member; <c>seq</c> is the first message seq they receive.</summary>
    public const string Joined = "joined";

    /// <summary>The user left or was removed; nothing after <c>seq</c> reaches them.</summary>
    public const string Left = "left";

    /// <summary>The conversation's fan-out mode changed at <c>seq</c> (to <c>fanout</c>).</summary>
    public const string Fanout = "fanout";

    /// <summary>The message at <c>seq</c> was recalled by its sender; show a tombstone.</summary>
    public const string Recall = "recall";

    /// <summary>The user hid the message at <c>seq</c> on all their devices.</summary>
    public const string Hidden = "hidden";

    /// <summary>The user cleared the conversation up to <c>seq</c> on all their devices.</summary>
    public const string Cleared = "cleared";

    /// <summary>The user is mentioned in the message at <c>seq</c> of a read-fan-out conversation.</summary>
    public const string Mention = "mention";

    /// <summary>
    /// A notice at <c>seq</c> of a group's timeline: <c>userId</c> has <c>role</c> from here on, given by
    /// <c>senderId</c>. Every member gets it, like a message.
    /// </summary>
    public const string Role = "role";

    /// <summary>A notice at <c>seq</c> of a group's timeline: <c>senderId</c> renamed it to <c>title</c> (none when absent).</summary>
    public const string Title = "title";

    /// <summary>The user muted the conversation on all their devices: no offline pushes for it.</summary>
    public const string Muted = "muted";

    /// <summary>The user unmuted the conversation on all their devices.</summary>
    public const string Unmuted = "unmuted";

    /// <summary>A notice at <c>seq</c>: <c>senderId</c> edited the message at <c>targetSeq</c>; <c>body</c> is its new text.</summary>
    public const string Edited = "edited";

    /// <summary>A notice at <c>seq</c>: <c>senderId</c> reacted with <c>emoji</c> to the message at <c>targetSeq</c> (took it back when <c>removed</c>).</summary>
    public const string Reaction = "reaction";

    /// <summary>
    /// A notice that changes an earlier message (an edit, a reaction): it takes a seq and reaches
    /// every member like a message, but is never unread, never a list's preview, never an offline push.
    /// </summary>
    public static bool IsChange(string? type) => type is Edited or Reaction;
}

/// <summary>
/// One entry of a user's sync timeline. For <c>message</c> events the message fields are set;
/// a <c>message</c> (or a notice) read from a read-fan-out conversation carries <paramref name="Fanout"/>
/// <c>read</c>; for <c>read</c> events <paramref name="Seq"/> is the user's new read position; <c>joined</c>
/// and <c>fanout</c> events carry the conversation's fan-out mode from <paramref name="Seq"/> on;
/// <c>role</c> and <c>title</c> notices carry <paramref name="UserId"/> and <paramref name="Role"/>,
/// or <paramref name="Title"/>, with their seq, sender and time; <c>edited</c> and <c>reaction</c>
/// notices carry <paramref name="TargetSeq"/> and the new <paramref name="Body"/>, or <paramref name="Emoji"/>
/// and <paramref name="Removed"/>. A message's reply and typed content fields are those of <see cref="ChatMessage"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.SyncEvent")]
public sealed record SyncEvent(
    [property: Id(0)] string Type,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] long Seq,
    [property: Id(3)] string? SenderId = null,
    [property: Id(4)] string? ClientMsgId = null,
    [property: Id(5)] DateTimeOffset? SentAt = null,
    [property: Id(6)] string? Body = null,
    [property: Id(7), JsonConverter(typeof(CamelCaseEnumJson<FanoutMode>))] FanoutMode? Fanout = null,
    [property: Id(8)] bool? Recalled = null,
    [property: Id(9)] IReadOnlyList<string>? Mentions = null,
    [property: Id(10)] string? UserId = null,
    [property: Id(11), JsonConverter(typeof(CamelCaseEnumJson<MemberRole>))] MemberRole? Role = null,
    [property: Id(12)] string? Title = null,
    [property: Id(20)] long? TargetSeq = null,
    [property: Id(21)] DateTimeOffset? EditedAt = null,
    [property: Id(22)] IReadOnlyList<Reaction>? Reactions = null,
    [property: Id(23)] string? Emoji = null,
    [property: Id(24)] bool? Removed = null,
    [property: Id(30)] long? ReplyTo = null,
    [property: Id(31)] MessageQuote? Quote = null,
    [property: Id(32)] string? ContentType = null,
    [property: Id(33), JsonConverter(typeof(RawJsonText))] string? Content = null)
{
    /// <summary>The event of a stored entry: a <c>message</c>, or a notice under its own type.</summary>
    public static SyncEvent For(ChatMessage m) => m.Type is { } notice
        ? new(notice, m.ConversationId, m.Seq, m.SenderId, SentAt: m.SentAt, UserId: m.UserId, Role: m.Role, Title: m.Title,
            Body: notice == SyncEventTypes.Edited ? m.Body : null, TargetSeq: m.TargetSeq, Emoji: m.Emoji, Removed: m.Removed)
        : new(SyncEventTypes.Message, m.ConversationId, m.Seq, m.SenderId, m.ClientMsgId, m.SentAt, m.Body, Recalled: m.Recalled ? true : null, Mentions: m.Mentions,
            EditedAt: m.EditedAt, Reactions: m.Reactions, ReplyTo: m.ReplyTo, Quote: m.Quote, ContentType: m.ContentType, Content: m.Content);

    /// <summary>
    /// The event of an entry read from a read-fan-out conversation's storage timeline (a pull, or a
    /// push its relay handed on): marked <c>fanout: read</c>, so that clients and edge nodes know
    /// there are no receipts to acknowledge it for, and a large group's members send nothing back.
    /// </summary>
    public static SyncEvent ForReadFanout(ChatMessage m) => For(m) with { Fanout = FanoutMode.Read };
}

/// <summary>The newest message of a conversation, for conversation lists.</summary>
[GenerateSerializer, Immutable, Alias("Seqline.MessagePreview")]
public sealed record MessagePreview(
    [property: Id(0)] long Seq,
    [property: Id(1)] string SenderId,
    [property: Id(2)] DateTimeOffset SentAt,
    [property: Id(3)] string Body);

/// <summary>One row of a user's conversation list.</summary>
[GenerateSerializer, Immutable, Alias("Seqline.ConversationSummary")]
public sealed record ConversationSummary(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string? Title,
    [property: Id(2)] ConversationKind Kind,
    [property: Id(3)] FanoutMode Fanout,
    [property: Id(4)] long LastSeq,
    [property: Id(5)] long ReadSeq,
    [property: Id(6)] long Unread,
    [property: Id(7)] MessagePreview? LastMessage,
    [property: Id(8)] long Mentions = 0,
    [property: Id(9)] long ClearedThrough = 0,
    [property: Id(10)] bool Muted = false);

/// <summary>
/// The answer to a sync pull. With <paramref name="Reset"/> the events are empty and
/// <paramref name="Conversations"/> is a snapshot to restart from.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.SyncPage")]
public sealed record SyncPage(
    [property: Id(0)] bool Reset,
    [property: Id(1)] IReadOnlyList<SyncEvent> Events,
    [property: Id(2)] string Cursor,
    [property: Id(3)] bool HasMore,
    [property: Id(4)] IReadOnlyList<ConversationSummary>? Conversations);

/// <summary>What a conversation tells a member's inbox about itself.</summary>
/// <param name="NextSeq">The seq the conversation's next message will get.</param>
[GenerateSerializer, Immutable, Alias("Seqline.ConversationRef")]
public sealed record ConversationRef(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] ConversationKind Kind,
    [property: Id(2)] string? Title,
    [property: Id(3)] FanoutMode Fanout,
    [property: Id(4)] long NextSeq = 1);

/// <summary>
/// Messages of one conversation, in seq order, for a member's inbox; <paramref name="Change"/>,
/// when set, takes effect before them.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.InboxDelivery")]
public sealed record InboxDelivery(
    [property: Id(0)] ConversationRef Conversation,
    [property: Id(1)] IReadOnlyList<ChatMessage> Messages,
    [property: Id(2)] FanoutChange? Change = null,
    [property: Id(3)] IReadOnlyList<long>? Recalls = null);

/// <summary>What a user has hidden of a conversation for all their devices.</summary>
[GenerateSerializer, Immutable, Alias("Seqline.HiddenMessages")]
public sealed record HiddenMessages(
    [property: Id(0)] long ClearedThrough,
    [property: Id(1)] IReadOnlyList<long> Hidden);
