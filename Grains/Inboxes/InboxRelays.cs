using Microsoft.Extensions.Logging;
using Seqline.Conversations;
using Seqline.Diagnostics;

namespace Seqline.Inboxes;

/// <summary>
/// The inbox's follows of its read-fan-out conversations' relays (Orleans plumbing only; what a
/// batch means is <see cref="LiveFollower"/>'s). A follow lives in the relay's memory: renewed with
/// every renewal of an edge's registration, ended when the inbox stops following, and dropped by
/// the relay when a batch reaches an inbox that no longer follows it (after a crash, say).
/// </summary>
internal sealed partial class InboxRelays(IGrainFactory grains, string userId, SeqlineMetrics metrics, ILogger logger)
{
    private readonly HashSet<string> _following = new(StringComparer.Ordinal);

    public bool IsFollowing(string conversationId) => _following.Contains(conversationId);

    private IConversationRelay RelayOf(string conversationId) => grains.Reference<IConversationRelay>(conversationId);

    /// <summary>
    /// Follows the relay, or renews the follow. True when the relay did not know this inbox, so
    /// batches may have gone by. A failure leaves things as they are (devices pull meanwhile) and
    /// the follow is tried again at the next renewal.
    /// </summary>
    public async Task<bool> TryFollow(string conversationId)
    {
        try
        {
            var unknown = await RelayOf(conversationId).Follow(userId);
            if (_following.Add(conversationId)) metrics.LiveFollowsChanged(+1);
            return unknown;
        }
        catch (Exception error)
        {
            LogFollowFailed(logger, error, conversationId, userId);
            return false;
        }
    }

    /// <summary>
    /// The follow ends here at once; if the relay cannot be told now, the next batch it hands this
    /// inbox ends it there (the inbox answers that it does not follow).
    /// </summary>
    public async Task Unfollow(string conversationId)
    {
        if (!_following.Remove(conversationId)) return;
        metrics.LiveFollowsChanged(-1);
        try
        {
            await RelayOf(conversationId).Unfollow(userId);
        }
        catch (Exception error)
        {
            LogUnfollowFailed(logger, error, userId, conversationId);
        }
    }

    public async Task UnfollowAll()
    {
        foreach (var id in _following.ToList()) await Unfollow(id);
    }

    /// <summary>Diagnostics: the relays of these conversations that count this inbox among their followers.</summary>
    public async Task<int> CountFollows(IEnumerable<string> conversationIds)
    {
        var count = 0;
        foreach (var id in conversationIds)
            if (await RelayOf(id).IsFollowedBy(userId)) count++;
        return count;
    }

    [LoggerMessage(LogLevel.Warning, "Could not follow {ConversationId} live for {UserId}; devices pull it")]
    private static partial void LogFollowFailed(ILogger logger, Exception error, string conversationId, string userId);

    [LoggerMessage(LogLevel.Warning, "Could not tell the relay of {ConversationId} that {UserId} stopped following; its next batch does")]
    private static partial void LogUnfollowFailed(ILogger logger, Exception error, string userId, string conversationId);
}
