namespace Seqline.Client;

/// <summary>The server's acknowledgement of a sent message: it is durable once this is returned.</summary>
/// <param name="ConversationId">The conversation it was sent to.</param>
/// <param name="Seq">The seq the message got.</param>
/// <param name="SentAt">When the server first accepted it.</param>
/// <param name="Duplicate">
/// True when the server had already stored a message with this clientMsgId, for example because an earlier
/// attempt succeeded but its response was lost; <paramref name="Seq"/> is then the original one.
/// </param>
public sealed record SendReceipt(string ConversationId, long Seq, DateTimeOffset SentAt, bool Duplicate);
