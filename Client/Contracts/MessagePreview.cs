namespace Seqline.Client;

/// <summary>The newest message of a conversation, as shown in a conversation list.</summary>
/// <param name="Seq">The message's seq in its conversation.</param>
/// <param name="SenderId">The user who sent it.</param>
/// <param name="SentAt">When the server accepted it.</param>
/// <param name="Body">The message text.</param>
public sealed record MessagePreview(long Seq, string SenderId, DateTimeOffset SentAt, string Body);
