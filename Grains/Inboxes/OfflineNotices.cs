using Seqline.Conversations;
using Seqline.OfflinePush;

namespace Seqline.Inboxes;

/// <summary>
/// Which of the events an inbox just appended call for an offline push, once the inbox knows no
/// device of the user is connected: in write fan-out each new message from someone else; in read
/// fan-out (large groups, whose messages never reach the inbox) only mentions of the user, as
/// messengers do for large groups. Never for a muted conversation, the user's own messages or a
/// recalled one. Only newly appended events count: a delivery made again appends nothing.
/// </summary>
internal static class OfflineNotices
{
    /// <summary>Notices for the new message events of write fan-out.</summary>
    public static List<OfflineNotice> OfMessages(string userId, ConversationIndex index, IEnumerable<SyncEvent> appended, OfflinePushOptions options) =>
        appended
            .Where(e => e.Type == SyncEventTypes.Message && e.SenderId != userId && e.Recalled != true && !IsMuted(index, e.ConversationId))
            .Select(e => new OfflineNotice(userId, e.ConversationId, e.Seq, OfflineNotice.Message, e.SenderId, e.SentAt, Preview(e.Body, options)))
            .ToList();

    /// <summary>
    /// Notices for new mentions in read fan-out, from the mentioning messages as far as they could be
    /// read (a mention whose message could not be read goes out without sender and preview).
    /// </summary>
    public static List<OfflineNotice> OfMentions(string userId, ConversationIndex index, IEnumerable<SyncEvent> appended, IReadOnlyList<ChatMessage> messages, OfflinePushOptions options) =>
        appended
            .Where(e => e.Type == SyncEventTypes.Mention && !IsMuted(index, e.ConversationId))
            .Select(e => messages.FirstOrDefault(m => m.Seq == e.Seq) is { Recalled: false } m
                ? new OfflineNotice(userId, e.ConversationId, e.Seq, OfflineNotice.Mention, m.SenderId, m.SentAt, Preview(m.Body, options))
                : new OfflineNotice(userId, e.ConversationId, e.Seq, OfflineNotice.Mention, null, null, null))
            .ToList();

    public static bool IsMuted(ConversationIndex index, string conversationId) => index.TryGet(conversationId, out var entry) && entry.Muted;

    private static string? Preview(string? body, OfflinePushOptions options) => !options.Previews || body is null
        ? null
        : body.Length <= options.PreviewLength ? body : body[..options.PreviewLength];
}
