using System.Text.Json;
using System.Text.Json.Serialization;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// How a conversation's storage timeline holds its messages: small JSON documents, so the stored
/// form is readable with any tool and can gain fields without a migration. (Inboxes store their
/// events with their own codec, <c>InboxEventCodec</c>.)
/// </summary>
internal static class MessageCodec
{
    public static TimelineEntry ToEntry(ChatMessage message) => new(
        message.Seq,
        message.SentAt,
        JsonSerializer.SerializeToUtf8Bytes(new StoredMessage(message.SenderId, message.ClientMsgId, message.Body, message.Recalled ? true : null,
            message.Mentions is { Count: > 0 } m ? m : null, message.Type, message.UserId, message.Role, message.Title,
            message.ReplyTo, message.Quote, message.ContentType, message.Content,
            message.TargetSeq, message.EditedAt, message.Reactions is { Count: > 0 } r ? r.Select(x => new StoredReaction(x.Emoji, x.Users)).ToList() : null,
            message.Emoji, message.Removed), PayloadJson.Default.StoredMessage));

    /// <summary>The time as stores keep it (milliseconds), so that what a call answers matches what history shows.</summary>
    public static DateTimeOffset StoredTime(DateTimeOffset now) => now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));

    public static ChatMessage ToMessage(string conversationId, TimelineEntry entry)
    {
        var stored = JsonSerializer.Deserialize(entry.Payload, PayloadJson.Default.StoredMessage)
            ?? throw new InvalidDataException($"Entry {entry.Seq} of '{conversationId}' is empty.");
        return new ChatMessage(conversationId, entry.Seq, stored.SenderId, stored.ClientMsgId, entry.Timestamp, stored.Body, stored.Recalled == true, stored.Mentions,
            stored.Type, stored.UserId, stored.Role, stored.Title,
            ReplyTo: stored.ReplyTo, Quote: stored.Quote, ContentType: stored.ContentType, Content: stored.Content,
            TargetSeq: stored.TargetSeq, EditedAt: stored.EditedAt, Reactions: stored.Reactions?.Select(r => new Reaction(r.Emoji, r.Users)).ToList(),
            Emoji: stored.Emoji, Removed: stored.Removed);
    }
}

// A notice keeps its type and what it says beside the message fields (Role as its member name: "Admin").
// A reply keeps its quote, typed content its JSON object as an object; an edited message keeps
// when; reactions are listed with who gave them, not counted (the count is their length). All are
// absent from older entries.
internal sealed record StoredMessage(string SenderId, string ClientMsgId, string Body, bool? Recalled = null, IReadOnlyList<string>? Mentions = null,
    string? Type = null, string? UserId = null, MemberRole? Role = null, string? Title = null,
    long? ReplyTo = null, MessageQuote? Quote = null, string? ContentType = null, [property: JsonConverter(typeof(RawJsonText))] string? Content = null,
    long? TargetSeq = null, DateTimeOffset? EditedAt = null, IReadOnlyList<StoredReaction>? Reactions = null, string? Emoji = null, bool? Removed = null);

internal sealed record StoredReaction(string Emoji, IReadOnlyList<string> Users);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StoredMessage))]
internal sealed partial class PayloadJson : JsonSerializerContext;
