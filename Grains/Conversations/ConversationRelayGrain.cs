using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;
using Seqline.Hosting;
using Seqline.Inboxes;

namespace Seqline.Conversations;

/// <summary>
/// A read-fan-out conversation's relay (<see cref="IConversationRelay"/>): a shell over
/// <see cref="RelayFollowers"/>. It consumes the conversation's stream through an implicit
/// subscription, which Orleans does not keep in pub-sub state, so no grain's state grows with the
/// members online and a connect or disconnect writes nothing. Handing a batch on never waits for
/// an inbox: the stream moves on while each follower's hand-offs go one after the other.
/// </summary>
[ImplicitStreamSubscription(FanoutOptions.StreamNamespace)]
public sealed partial class ConversationRelayGrain(ILogger<ConversationRelayGrain> logger)
    : Grain, IConversationRelay, IStreamSubscriptionObserver
{
    // Batches under way to one inbox before it misses the next ones (a gap its devices pull).
    private const int MaxPendingPerFollower = 64;

    private readonly RelayFollowers _followers = new(MaxPendingPerFollower);

    // Orleans decodes the key into a new string on every GetPrimaryKeyString: read once per activation.
    private string ConversationId => _conversationId ??= this.GetPrimaryKeyString();
    private string? _conversationId;

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<ConversationMessages>().ResumeAsync((batch, _) =>
        {
            _followers.Relay(batch, (userId, b) => GrainFactory.Reference<IInboxDelivery>(userId).Live(b));
            return Task.CompletedTask;
        });

    public Task<bool> Follow(string userId)
    {
        var fresh = _followers.Follow(userId);
        if (fresh) LogFollowed(logger, userId, ConversationId, _followers.Count);
        return Task.FromResult(fresh);
    }

    public Task Unfollow(string userId)
    {
        _followers.Unfollow(userId);
        return Task.CompletedTask;
    }

    public Task<bool> IsFollowedBy(string userId) => Task.FromResult(_followers.Contains(userId));

    public Task<int> CountFollowers() => Task.FromResult(_followers.Count);

    [LoggerMessage(LogLevel.Debug, "{UserId} follows {ConversationId} live ({Followers} followers)")]
    private static partial void LogFollowed(ILogger logger, string userId, string conversationId, int followers);
}
