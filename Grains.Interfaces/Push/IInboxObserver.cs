using Orleans.Concurrency;
using Seqline.Inboxes;

namespace Seqline.Push;

/// <summary>
/// New events of a user's sync timeline, with the cursors before and after them: a device whose
/// cursor is <paramref name="PrevCursor"/> applies the events and moves to <paramref name="Cursor"/>;
/// any other device pulls instead.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.InboxPush")]
public sealed record InboxPush(
    [property: Id(0)] string UserId,
    [property: Id(1)] IReadOnlyList<SyncEvent> Events,
    [property: Id(2)] string PrevCursor,
    [property: Id(3)] string Cursor);

/// <summary>
/// An edge node's receiver of pushes. One per node, registered with the inbox of every user who has
/// a device connected there. Registrations expire, so edge nodes renew them periodically.
/// </summary>
[Alias("Seqline.Push.IInboxObserver")]
public interface IInboxObserver : IGrainObserver
{
    [OneWay, Alias("OnPush")]
    Task OnPush(InboxPush push);
}
