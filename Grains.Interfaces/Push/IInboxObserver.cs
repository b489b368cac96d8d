using Orleans.Concurrency;
using Seqline.Inboxes;
using Seqline.Presence;
using Seqline.Receipts;

namespace Seqline.Push;

/// <summary>
/// New events of a user's sync timeline, with the cursors before and after them: a device whose
/// cursor is <paramref name="PrevCursor"/> applies the events and moves to <paramref name="Cursor"/>;
/// any other device pulls instead. A push with no events whose <paramref name="PrevCursor"/> is its
/// <paramref name="Cursor"/> is a skip notice: the inbox skipped something (an item lost on a
/// conversation's stream, or what a conversation owed that could not be read) and tells devices
/// where its head is, so that every device not there pulls. No earlier push ends at that cursor,
/// so the notice follows none.
/// </summary>
/// <param name="Order">
/// Where <paramref name="Cursor"/> stands, comparable across pushes of one user: a later push has a
/// greater order. Edge nodes put pushes that overtook each other back in order with it, and drop a
/// push older than one they have sent.
/// </param>
/// <param name="Receipts">
/// Receipts notices that were waiting for the user's pace and ride on this push instead of a hub
/// message of their own (hub <c>events</c>, field <c>receipts</c>); null when none were waiting.
/// They are not part of the sync timeline: an edge node that drops the push sends them on their own.
/// </param>
[GenerateSerializer, Immutable, Alias("Seqline.InboxPush")]
public sealed record InboxPush(
    [property: Id(0)] string UserId,
    [property: Id(1)] IReadOnlyList<SyncEvent> Events,
    [property: Id(2)] string PrevCursor,
    [property: Id(3)] string Cursor,
    [property: Id(4)] PushOrder Order = default,
    [property: Id(5)] IReadOnlyList<ReceiptsNotice>? Receipts = null);

/// <summary>
/// How far an inbox's pushes have got: its sync-timeline position, then the sum of the positions in
/// its read-fan-out conversations. Both only grow (a conversation left or switched back drops out
/// of the sum only with a new sync-timeline event), also across activations, so they order the
/// pushes of one <paramref name="Epoch"/>; pushes of different epochs are not comparable (an inbox
/// that starts over resets its devices).
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.PushOrder")]
public readonly record struct PushOrder(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Position,
    [property: Id(2)] long ReadFanoutPositions)
{
    /// <summary>Whether this push stands after <paramref name="other"/> (false for another epoch).</summary>
    public bool IsAfter(PushOrder other) => Epoch == other.Epoch
        && (Position != other.Position ? Position > other.Position : ReadFanoutPositions > other.ReadFanoutPositions);

    /// <summary>Pushes of one epoch in order; another epoch sorts by its own numbers.</summary>
    public static IComparer<PushOrder> Comparer { get; } = Comparer<PushOrder>.Create((a, b) =>
        a.Position != b.Position ? a.Position.CompareTo(b.Position) : a.ReadFanoutPositions.CompareTo(b.ReadFanoutPositions));
}

/// <summary>
/// An edge node's receiver of pushes. One per node, registered with the inbox of every user who has
/// a device connected there. Registrations expire, so edge nodes renew them periodically.
/// </summary>
[Alias("Seqline.Push.IInboxObserver")]
public interface IInboxObserver : IGrainObserver
{
    [OneWay, Alias("OnPush")]
    Task OnPush(InboxPush push);

    /// <summary>Someone is typing in a conversation of <paramref name="userId"/>: ephemeral, for the user's devices here.</summary>
    [OneWay, Alias("OnTyping")]
    Task OnTyping(string userId, TypingNotice notice);

    /// <summary>Members' read and delivered positions moved in a conversation of <paramref name="userId"/>: ephemeral, for the user's devices here.</summary>
    [OneWay, Alias("OnReceipts")]
    Task OnReceipts(string userId, Seqline.Receipts.ReceiptsNotice notice);

    /// <summary>
    /// Members' positions moved in several conversations of <paramref name="userId"/> within the
    /// inbox's pace: one batch, a notice per conversation, for the user's devices here.
    /// </summary>
    [OneWay, Alias("OnReceiptsMany")]
    Task OnReceiptsMany(string userId, IReadOnlyList<Seqline.Receipts.ReceiptsNotice> notices);
}
