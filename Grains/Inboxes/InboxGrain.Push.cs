using System.Collections.ObjectModel;
using Microsoft.Extensions.Logging;
using Seqline.Conversations;
using Seqline.Push;

namespace Seqline.Inboxes;

/// <summary>
/// What the push edge calls, and live push. While an edge node with a device of the user is
/// registered, the inbox follows the relays of the user's read-fan-out conversations and pushes
/// what they hand on, and pushes its own new events. Every push carries the head cursor before and
/// after it, the same cursor a device reaches by pulling, so a device that is up to date applies it
/// and any other pulls. Follows exist only while someone listens: they end when the last observer
/// leaves or the grain deactivates, and a batch arriving with nobody listening ends them too.
/// </summary>
public sealed partial class InboxGrain
{
    public async Task<string> Subscribe(IInboxObserver observer)
    {
        _observers.Subscribe(observer, observer);
        _presence.Renewed(clock.GetUtcNow());
        if (!_live.IsLive)
        {
            var heads = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (id, entry) in _index.ReadFanout.ToList()) heads[id] = await _reads.LastSeqOf(id, entry);
            _live.Start(heads);
        }
        // Also on a renewal, which renews every follow: a follow that failed earlier is tried again,
        // and a relay that was lost meanwhile learns its follower again.
        foreach (var id in _live.Heads.Keys.ToList()) await Follow(id);
        return cursors.Encode(HeadCursor());
    }

    public async Task Unsubscribe(IInboxObserver observer)
    {
        _observers.Unsubscribe(observer);
        _observers.ClearExpired();
        if (_observers.Count > 0) return;
        _presence.WentOffline(clock.GetUtcNow());
        await StopFollowing();
    }

    public Task<int> CountObservers()
    {
        // An expired registration gets no more pushes; it is only forgotten lazily, on the next push.
        _observers.ClearExpired();
        return Task.FromResult(_observers.Count);
    }

    public Task<int> CountLiveFollows() => _relays.CountFollows(_index.ReadFanout.Select(c => c.Key).ToList());

    // A snapshot: the live heads move on after it is taken. Most inboxes follow no read-fan-out
    // conversation, and every append takes two of these, so an empty one is shared.
    private SyncCursor HeadCursor() => new(UserId, CursorEpoch, Checkpointed.Head,
        _live.Heads.Count == 0 ? ReadOnlyDictionary<string, long>.Empty : new Dictionary<string, long>(_live.Heads, StringComparer.Ordinal));

    // After the inbox appended events: follow or drop streams as the events say, then push them,
    // with what a read-fan-out conversation owed before a switch back or a removal, exactly as a
    // pull would cross it. What the events change in memory changes first; the calls that may fail
    // come after, and a failure costs devices a pull, never a message or a push past a removal.
    private async Task Pushed(IReadOnlyList<SyncEvent> events, SyncCursor before)
    {
        if (!_live.IsLive) return;
        var changes = await _live.Cross(events, _readOwed ??= ReadOwed);
        foreach (var id in changes.Unfollow) await _relays.Unfollow(id);
        var after = HeadCursor();
        // Without what the conversation owed, the push would skip it: tell devices where the head is instead.
        await (changes.Complete ? Notify(changes.Pushed, before, after) : Notify([], after, after));
        foreach (var id in changes.Follow) await Follow(id);
    }

    // Follows (or renews the follow of) a conversation's relay. A relay that did not know this
    // inbox (the first follow, or the relay was lost) may have handed on batches meanwhile: what
    // the conversation has past the live position is read back and pushed, as the relay would have.
    private async Task Follow(string conversationId)
    {
        if (!await _relays.TryFollow(conversationId)) return;
        if (!_live.Heads.TryGetValue(conversationId, out var known) || !_index.TryGet(conversationId, out var entry)) return;
        var head = await _reads.LastSeqOf(conversationId, entry);
        if (head <= known) return;
        // Far behind: the last few only, and the gap before them makes devices pull.
        var missed = await ReadOwed(conversationId, Math.Max(known, head - MaxReadBack), head);
        if (missed is null) return;
        await OnConversationMessages(new ConversationMessages(conversationId, missed));
    }

    // ReadOwed as a delegate, made once rather than for every push.
    private Func<string, long, long, Task<IReadOnlyList<ChatMessage>?>>? _readOwed;

    // How much a follow reads back of what a lost relay may have handed on; devices pull the rest.
    private const int MaxReadBack = 100;

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
            await Notify(fresh.Select(SyncEvent.ForReadFanout).ToList(), before, HeadCursor());
        }
    }

    private Task Notify(IReadOnlyList<SyncEvent> events, SyncCursor before, SyncCursor after)
    {
        var order = new PushOrder(after.Epoch, after.Position, after.ReadPositions.Count == 0 ? 0 : after.ReadPositions.Values.Aggregate(0L, (sum, seq) => unchecked(sum + seq)));
        // Receipts notices waiting for the user's pace go with it: the devices get them sooner, and no hub message of their own.
        var batch = new InboxPush(UserId, events, cursors.Encode(before), cursors.Encode(after), order, _pendingReceipts?.Ride());
        return _observers.Notify(o => o.OnPush(batch));
    }

    private async Task StopFollowing()
    {
        await _relays.UnfollowAll();
        _live.Stop();
    }
}
