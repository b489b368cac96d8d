namespace Seqline.Push;

/// <summary>Live push from inboxes to edge nodes (configuration section <c>Seqline:Push</c>).</summary>
public sealed class PushOptions
{
    public const string Section = "Seqline:Push";

    /// <summary>An inbox forgets an edge node's observer this long after its last renewal.</summary>
    public TimeSpan ObserverExpiry { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How often an edge node renews its observer with the inboxes of its connected users.</summary>
    public TimeSpan RenewPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Orleans does not keep messages in order, so pushes to one user can overtake each other on
    /// their way to an edge node. The node holds a push whose predecessor has not arrived for at
    /// most this long, then sends it anyway, and devices pull instead.
    /// </summary>
    public TimeSpan ReorderWait { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// An edge node forwards its devices' acknowledgements of pushed messages (hub method
    /// <c>DeliveredMany</c>) merged per conversation, at most once per this interval per
    /// conversation: one call to the conversation's receipts however many members and devices
    /// acknowledged. The first after a quiet interval goes within a quarter of it. Longer saves calls
    /// under load; shorter shows senders "delivered" sooner in busy conversations.
    /// </summary>
    public TimeSpan AcknowledgementInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// While a conversation's acknowledgements keep coming, the node's pace of forwarding them doubles
    /// from <see cref="AcknowledgementInterval"/> up to this; a pace without one brings it back. At
    /// least <see cref="AcknowledgementInterval"/>; equal to it: a fixed pace.
    /// </summary>
    public TimeSpan AcknowledgementBusyInterval { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Pushes an edge node keeps queued for one user whose connections do not keep up (a stalled
    /// device, a burst of a large group). Past it the node drops what is queued and sends a skip
    /// notice instead, so that the devices pull: memory per user stays bounded, and nothing is lost.
    /// </summary>
    public int MaxQueuedPerUser { get; set; } = 1_000;
}
