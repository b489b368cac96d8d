using System.Text.Json;
using System.Text.Json.Serialization;
using Seqline.Conversations;
using Seqline.Timelines;

namespace Seqline.Inboxes;

/// <summary>
/// How an inbox writes its events into its sync timeline. The stored record is the inbox's own,
/// apart from the public <see cref="SyncEvent"/>: the wire contract can change without rewriting
/// stored timelines, and the stored form can gain a field without the wire seeing it. Small JSON
/// documents, readable with any tool; the field names are the ones stored since the first release.
/// </summary>
internal static class InboxEventCodec
{
    public static TimelineEntry ToEntry(long position, DateTimeOffset at, SyncEvent e) => new(position, at,
        JsonSerializer.SerializeToUtf8Bytes(
            new StoredInboxEvent(e.Type, e.ConversationId, e.Seq, e.SenderId, e.ClientMsgId, e.SentAt, e.Body, e.Fanout, e.Recalled, e.Mentions is { Count: > 0 } m ? m : null,
                e.UserId, e.Role, e.Title, e.ReplyTo, e.Quote, e.ContentType, e.Content,
                e.TargetSeq, e.EditedAt, e.Reactions, e.Emoji, e.Removed),
            InboxJson.Default.StoredInboxEvent));

    public static SyncEvent ToEvent(TimelineEntry entry)
    {
        var s = JsonSerializer.Deserialize(entry.Payload, InboxJson.Default.StoredInboxEvent)
            ?? throw new InvalidDataException($"Inbox entry {entry.Seq} is empty.");
        return new SyncEvent(s.Type, s.ConversationId, s.Seq, s.SenderId, s.ClientMsgId, s.SentAt, s.Body, s.Fanout, s.Recalled, s.Mentions, s.UserId, s.Role, s.Title,
            ReplyTo: s.ReplyTo, Quote: s.Quote, ContentType: s.ContentType, Content: s.Content,
            TargetSeq: s.TargetSeq, EditedAt: s.EditedAt, Reactions: s.Reactions, Emoji: s.Emoji, Removed: s.Removed);
    }

    /// <summary>The stored copy of a message event with its body blanked: what stays once it is recalled.</summary>
    public static TimelineEntry Recalled(TimelineEntry entry) =>
        ToEntry(entry.Seq, entry.Timestamp, ToEvent(entry) with { Body = "", Recalled = true, Quote = null, Content = null });
}

/// <summary>One entry of a sync timeline as stored.</summary>
internal sealed record StoredInboxEvent(
    string Type,
    string ConversationId,
    long Seq,
    string? SenderId = null,
    string? ClientMsgId = null,
    DateTimeOffset? SentAt = null,
    string? Body = null,
    FanoutMode? Fanout = null,
    bool? Recalled = null,
    IReadOnlyList<string>? Mentions = null,
    string? UserId = null,
    MemberRole? Role = null,
    string? Title = null,
    long? ReplyTo = null,
    MessageQuote? Quote = null,
    string? ContentType = null,
    [property: JsonConverter(typeof(RawJsonText))] string? Content = null,
    long? TargetSeq = null,
    DateTimeOffset? EditedAt = null,
    IReadOnlyList<Reaction>? Reactions = null,
    string? Emoji = null,
    bool? Removed = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredInboxEvent))]
internal sealed partial class InboxJson : JsonSerializerContext;
