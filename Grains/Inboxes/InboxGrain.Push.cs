using Microsoft.Extensions.Logging;
using Orleans.Streams.Core;
using Seqline.Conversations;
using Seqline.Push;

namespace Seqline.Inboxes;

/// <summary>
/// What the push edge calls, and live push. While an edge node with a device of the user is
/// registered, the inbox follows the streams of the user's read-fan-out conversations and pushes
/// what they publish, and pushes its own new events. Every push carries the head cursor before and
/// after it, the same cursor a device reaches by pulling, so a device that is up to date applies it
/// and any other pulls. Stream subscriptions exist only while someone listens: they end when the
/// last observer leaves or the grain deactivates, and a stream item arriving with nobody listening
/// ends them too.
/// </summary>
public sealed partial class InboxGrain : IStreamSubscriptionObserver
{
    public async Task<string> Subscribe(IInboxObserver observer)
    {
        _observers.Subscribe(observer, observer);
        if (!_live.IsLive)
        {
            var heads = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (id, entry) in _index.ReadFanout.ToList()) heads[id] = await _reads.LastSeqOf(id, entry);
            _live.Start(heads);
        }
        // Also on a renewal: a follow that failed earlier is tried again.
        foreach (var id in _live.Heads.Keys.Where(id => !_streams.IsFollowing(id)).ToList()) await _streams.TryFollow(id);
        return cursors.Encode(HeadCursor());
    }

    public async Task Unsubscribe(IInboxObserver observer)
    {
        _observers.Unsubscribe(observer);
        if (_observers.Count == 0) await StopFollowing();
    }

    public Task<int> CountObservers()
    {
        // An expired registration gets no more pushes; it is only forgotten lazily, on the next push.
        _observers.ClearExpired();
        return Task.FromResult(_observers.Count);
    }

    public Task<int> CountStreamSubscriptions() => _streams.CountSubscriptions(_index.ReadFanout.Select(c => c.Key).ToList());

    private SyncCursor HeadCursor() => new(UserId, CursorEpoch, Checkpointed.Head, new Dictionary<string, long>(_live.Heads, StringComparer.Ordinal));

    // After the inbox appended events: follow or drop streams as the events say, then push them,
    // with what a read-fan-out conversation owed before a switch back or a removal, exactly as a
    // pull would cross it. What the events change in memory changes first; the calls that may fail
    // come after, and a failure costs devices a pull, never a message or a push past a removal.
    private async Task Pushed(IReadOnlyList<SyncEvent> events, SyncCursor before)
    {
        if (!_live.IsLive) return;
        var changes = await _live.Cross(events, ReadOwed);
        foreach (var id in changes.Unfollow) await _streams.Unfollow(id);
        foreach (var id in changes.Follow) await _streams.TryFollow(id);
        var after = HeadCursor();
        // Without what the conversation owed, the push would skip it: tell devices where the head is instead.
        await (changes.Complete ? Notify(changes.Pushed, before, after) : Notify([], after, after));
    }

    private async Task<IReadOnlyList<ChatMessage>?> ReadOwed(string conversationId, long after, long through)
    {
        try
        {
            return await _reads.ReadConversation(conversationId, after, (int)Math.Max(0, through - after));
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Could not read what {ConversationId} owes {UserId}; devices will pull it", conversationId, UserId);
            return null;
        }
    }

    private async Task OnConversationMessages(ConversationMessages batch)
    {
        _observers.ClearExpired();
        if (_observers.Count == 0)
        {
            await StopFollowing();
            return;
        }
        var before = HeadCursor();
        var fresh = _live.Take(batch);
        if (fresh is null)
        {
            // Something was lost on the stream: tell devices where the head is, and they pull.
            var head = HeadCursor();
            await Notify([], head, head);
        }
        else if (fresh.Count > 0)
        {
            await Notify(fresh.Select(SyncEvent.For).ToList(), before, HeadCursor());
        }
    }

    private Task Notify(IReadOnlyList<SyncEvent> events, SyncCursor before, SyncCursor after)
    {
        var order = new PushOrder(after.Epoch, after.Position, after.ReadPositions.Values.Aggregate(0L, (sum, seq) => unchecked(sum + seq)));
        var batch = new InboxPush(UserId, events, cursors.Encode(before), cursors.Encode(after), order);
        return _observers.Notify(o => o.OnPush(batch));
    }

    private async Task StopFollowing()
    {
        await _streams.UnfollowAll();
        _live.Stop();
    }

    // A subscription this activation has not resumed: one left by an earlier activation (a crash,
    // or a crash between a `left` event and its unsubscribe). It is resumed if the inbox follows
    // that conversation now, and removed otherwise.
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => _streams.Adopt(handleFactory,
        id => _live.IsLive && _index.TryGet(id, out var entry) && entry.Fanout == FanoutMode.Read);
}
