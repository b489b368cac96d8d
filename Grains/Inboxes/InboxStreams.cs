using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;
using Seqline.Conversations;
using Seqline.Diagnostics;
using Seqline.Hosting;

namespace Seqline.Inboxes;

/// <summary>
/// The inbox's subscriptions to the streams of its read-fan-out conversations (Orleans plumbing
/// only; what a batch means is <see cref="LiveFollower"/>'s). Explicit subscriptions live in
/// pub-sub state beyond the activation, so each is resumed rather than duplicated, and removed
/// when no longer wanted, also when an earlier activation left it behind.
/// </summary>
internal sealed partial class InboxStreams(IStreamProvider provider, string userId, Func<ConversationMessages, Task> onBatch, SeqlineMetrics metrics, ILogger logger)
{
    private readonly Dictionary<string, StreamSubscriptionHandle<ConversationMessages>> _following = new(StringComparer.Ordinal);

    public bool IsFollowing(string conversationId) => _following.ContainsKey(conversationId);

    public IAsyncStream<ConversationMessages> StreamOf(string conversationId) =>
        provider.GetStream<ConversationMessages>(StreamId.Create(FanoutOptions.StreamNamespace, conversationId));

    /// <summary>
    /// Follows the stream; a failure leaves things as they are (devices pull meanwhile) and the
    /// follow is tried again when the edge renews its registration.
    /// </summary>
    public async Task TryFollow(string conversationId)
    {
        if (_following.ContainsKey(conversationId)) return;
        try
        {
            var stream = StreamOf(conversationId);
            var existing = await stream.GetAllSubscriptionHandles();
            foreach (var extra in existing.Skip(1)) await extra.UnsubscribeAsync();
            _following[conversationId] = existing.Count > 0
                ? await existing[0].ResumeAsync((batch, _) => onBatch(batch))
                : await stream.SubscribeAsync((batch, _) => onBatch(batch));
            metrics.StreamSubscriptionsChanged(+1);
        }
        catch (Exception error)
        {
            LogFollowFailed(logger, error, conversationId, userId);
        }
    }

    /// <summary>
    /// The subscription goes from memory at once; if pub-sub cannot be told now, the first item that
    /// reaches a later activation for it ends it (<see cref="Adopt"/>).
    /// </summary>
    public async Task Unfollow(string conversationId)
    {
        if (!_following.Remove(conversationId, out var handle)) return;
        metrics.StreamSubscriptionsChanged(-1);
        try
        {
            await handle.UnsubscribeAsync();
        }
        catch (Exception error)
        {
            LogUnfollowFailed(logger, error, userId, conversationId);
        }
    }

    public async Task UnfollowAll()
    {
        foreach (var id in _following.Keys.ToList()) await Unfollow(id);
    }

    /// <summary>
    /// A subscription this activation has not resumed (an earlier activation's): resumed when
    /// <paramref name="wanted"/>, removed otherwise, so none is ever left behind in pub-sub.
    /// </summary>
    public async Task Adopt(IStreamSubscriptionHandleFactory handleFactory, Func<string, bool> wanted)
    {
        var handle = handleFactory.Create<ConversationMessages>();
        var conversationId = handleFactory.StreamId.GetKeyAsString();
        if (!_following.ContainsKey(conversationId) && wanted(conversationId))
        {
            _following[conversationId] = await handle.ResumeAsync((batch, _) => onBatch(batch));
            metrics.StreamSubscriptionsChanged(+1);
        }
        else
        {
            await handle.UnsubscribeAsync();
        }
    }

    /// <summary>Diagnostics: the subscriptions pub-sub holds on these conversations' streams.</summary>
    public async Task<int> CountSubscriptions(IEnumerable<string> conversationIds)
    {
        var count = 0;
        foreach (var id in conversationIds) count += (await StreamOf(id).GetAllSubscriptionHandles()).Count;
        return count;
    }

    [LoggerMessage(LogLevel.Warning, "Could not follow the stream of {ConversationId} for {UserId}; devices pull it")]
    private static partial void LogFollowFailed(ILogger logger, Exception error, string conversationId, string userId);

    [LoggerMessage(LogLevel.Warning, "Could not end the stream subscription of {UserId} to {ConversationId}; a later item ends it")]
    private static partial void LogUnfollowFailed(ILogger logger, Exception error, string userId, string conversationId);
}
