namespace Seqline.OfflinePush;

/// <summary>
/// What an inbox hands the node's <see cref="OfflinePushDispatcher"/> for a user with no device
/// connected: a message (<c>message</c>) or, in a read-fan-out group, a mention of the user
/// (<c>mention</c>). <see cref="Preview"/> is null when the deployment turned previews off.
/// </summary>
public sealed record OfflineNotice(
    string UserId,
    string ConversationId,
    long Seq,
    string Kind,
    string? SenderId,
    DateTimeOffset? SentAt,
    string? Preview)
{
    public const string Message = "message";
    public const string Mention = "mention";

    /// <summary>The same for every attempt and every node, so a gateway can drop a notice it has seen.</summary>
    public string Id => $"{UserId}:{ConversationId}:{Seq}";
}
