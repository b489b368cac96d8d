using Microsoft.Extensions.Logging;
using Seqline.Conversations;

namespace Seqline.Inboxes;

/// <summary>
/// Offline push: after a delivery appended events for a user with no device connected anywhere
/// (no edge node's observer registered and unexpired), the inbox hands what calls for a push to
/// the node's <see cref="OfflinePush.OfflinePushDispatcher"/> without waiting for it; and muting,
/// the user's per-conversation switch that stops those pushes.
/// </summary>
public sealed partial class InboxGrain
{
    public async Task<ConversationSummary> Mute(string conversationId, bool muted)
    {
        var entry = _index.Member(conversationId);
        if (_index.Mute(conversationId, muted, await _reads.LastSeqOf(conversationId, entry)) is { } change) await Append([change]);
        return await _reads.Summary(conversationId, entry);
    }

    // Edge nodes renew their registrations within Seqline:Push:ObserverExpiry and drop them when the
    // user's last device there leaves, so none left means no device connected in the cluster.
    private bool IsOffline()
    {
        if (!offlinePush.Enabled) return false;
        _observers.ClearExpired();
        return _observers.Count == 0;
    }

    private void PushOfflineMessages(IReadOnlyList<SyncEvent> appended)
    {
        if (IsOffline()) offlinePush.Notify(OfflineNotices.OfMessages(UserId, _index, appended, offlinePush.Options));
    }

    // The mentions' messages are in the conversation's timeline (read fan-out): read for sender and
    // preview, a few rows; a read that fails costs the push its preview, never the push.
    private async Task PushOfflineMentions(string conversationId, IReadOnlyList<SyncEvent> appended)
    {
        if (!IsOffline() || OfflineNotices.IsMuted(_index, conversationId)) return;
        IReadOnlyList<ChatMessage> messages = [];
        try
        {
            var (first, last) = (appended.Min(e => e.Seq), appended.Max(e => e.Seq));
            messages = await _reads.ReadConversation(conversationId, first - 1, (int)Math.Min(last - first + 1, MaxMentionRead));
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Could not read the mentions of {UserId} in {ConversationId}; pushing them without previews", UserId, conversationId);
        }
        offlinePush.Notify(OfflineNotices.OfMentions(UserId, _index, appended, messages, offlinePush.Options));
    }

    // How many rows a mention push reads at most; mentions further apart go without previews.
    private const int MaxMentionRead = 200;
}
