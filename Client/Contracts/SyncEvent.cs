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
/// <param name="Fanout">For <c>joined</c> and <c>fanout</c> events: how the conversation delivers from <paramref name="Seq"/> on (<see cref="FanoutModes"/>).</param>
/// <param name="Recalled">For a message: it was recalled before this device got it, so it arrives as a tombstone.</param>
/// <param name="Mentions">For a message: the members it mentions, if any.</param>
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
    IReadOnlyList<string>? Mentions = null)
{
    /// <summary>Fields this version of the client has no property for, so that handlers of newer event types can still read them.</summary>
    // Not init: System.Text.Json fills extension data after construction and rejects init-only members for it.
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalFields { get; internal set; }

    /// <summary>Value equality over the known fields, <see cref="Mentions"/> by content; <see cref="AdditionalFields"/> is a bag, not part of the identity.</summary>
    public bool Equals(SyncEvent? other) =>
        other is not null && (Type, ConversationId, Seq, SenderId, ClientMsgId, SentAt, Body, Fanout, Recalled) ==
        (other.Type, other.ConversationId, other.Seq, other.SenderId, other.ClientMsgId, other.SentAt, other.Body, other.Fanout, other.Recalled) &&
        (Mentions ?? []).SequenceEqual(other.Mentions ?? []);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, ConversationId, Seq, ClientMsgId, SentAt);

    /// <summary>The event as a <see cref="Message"/>, or null when it is not a message event.</summary>
    public Message? ToMessage() => Type == SyncEventTypes.Message
        ? new Message(ConversationId, Seq, SenderId ?? "", ClientMsgId ?? "", SentAt ?? default, Body ?? "", Recalled, Mentions)
        : null;

    // The event sync would have carried for a message read from history instead, e.g. after a reset.
    internal static SyncEvent For(Message message) => new(
        SyncEventTypes.Message, message.ConversationId, message.Seq, message.SenderId, message.ClientMsgId, message.SentAt, message.Body,
        Recalled: message.Recalled, Mentions: message.Mentions);
}
