using Seqline.Push;

namespace Seqline.Inboxes;

/// <summary>
/// The inbox role the push edge uses (internal: <c>Api/Push/PushBridge.cs</c> on each edge node):
/// registering the node's observer while the user has a device connected there, and the
/// diagnostics counts that show where pushes go.
/// </summary>
[Alias("Seqline.Inboxes.IInboxPush")]
public interface IInboxPush : IGrainWithStringKey
{
    /// <summary>
    /// Registers (or renews) an edge node's observer: it gets every new event of this inbox until it
    /// unsubscribes or its registration expires. Renew well within <c>Seqline:Push:ObserverExpiry</c>.
    /// Returns the cursor at the inbox's head: events up to it were not pushed to this observer.
    /// </summary>
    [Alias("Subscribe")]
    Task<string> Subscribe(IInboxObserver observer);

    /// <summary>Removes an edge node's observer, when the user's last device there disconnects.</summary>
    [Alias("Unsubscribe")]
    Task Unsubscribe(IInboxObserver observer);

    /// <summary>
    /// Diagnostics: how many edge nodes' observers are registered and not expired, i.e. how many
    /// edge nodes the next push goes to.
    /// </summary>
    [Alias("CountObservers")]
    Task<int> CountObservers();

    /// <summary>
    /// Diagnostics: how many of its read-fan-out conversations' relays count this inbox among their
    /// followers (each one while a device is connected, else none).
    /// </summary>
    [Alias("CountLiveFollows")]
    Task<int> CountLiveFollows();
}
