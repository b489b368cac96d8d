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
        JsonSerializer.SerializeToUtf8Bytes(new StoredMessage(message.SenderId, message.ClientMsgId, message.Body, message.Recalled ? true : null, message.Mentions is { Count: > 0 } m ? m : null), PayloadJson.Default.StoredMessage));

    public static ChatMessage ToMessage(string conversationId, TimelineEntry entry)
    {
        var stored = JsonSerializer.Deserialize(entry.Payload, PayloadJson.Default.StoredMessage)
            ?? throw new InvalidDataException($"Entry {entry.Seq} of '{conversationId}' is empty.");
        return new ChatMessage(conversationId, entry.Seq, stored.SenderId, stored.ClientMsgId, entry.Timestamp, stored.Body, stored.Recalled == true, stored.Mentions);
    }
}

internal sealed record StoredMessage(string SenderId, string ClientMsgId, string Body, bool? Recalled = null, IReadOnlyList<string>? Mentions = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredMessage))]
internal sealed partial class PayloadJson : JsonSerializerContext;
