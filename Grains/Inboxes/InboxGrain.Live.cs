using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Push;

namespace Seqline.Inboxes;

/// <summary>
/// Live push. While an edge node with a device of the user is registered, the inbox follows the
/// streams of the user's read-fan-out conversations and pushes what they publish, and pushes its
/// own new events. Every push carries the head cursor before and after it, the same cursor a
/// device reaches by pulling, so a device that is up to date applies it and any other pulls.
/// Stream subscriptions exist only while someone listens: they end when the last observer leaves
/// or the grain deactivates, and a stream item arriving with nobody listening ends them too.
/// </summary>
public sealed partial class InboxGrain
{
    private readonly Dictionary<string, StreamSubscriptionHandle<ConversationMessages>> _following = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _liveHeads = new(StringComparer.Ordinal);
    private bool _live;

    public async Task<string> Subscribe(IInboxObserver observer)
    {
        _observers.Subscribe(observer, observer);
        if (!_live)
        {
            foreach (var (id, entry) in _index.Where(c => c.Value.Fanout == FanoutMode.Read).ToList())
                _liveHeads[id] = await LastSeqOf(id, entry);
            _live = true;
        }
        // Also on a renewal: a follow that failed earlier is tried again.
        foreach (var id in _liveHeads.Keys.Where(id => !_following.ContainsKey(id)).ToList()) await TryFollow(id);
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

    public async Task<int> CountStreamSubscriptions()
    {
        var count = 0;
        foreach (var id in _index.Where(c => c.Value.Fanout == FanoutMode.Read).Select(c => c.Key).ToList())
            count += (await StreamOf(id).GetAllSubscriptionHandles()).Count;
        return count;
    }

    private SyncCursor HeadCursor() => new(UserId, CursorEpoch, Index.Head, new Dictionary<string, long>(_liveHeads, StringComparer.Ordinal));

    // After the inbox appended events: follow or drop streams as the events say, then push them.
    // A switch back to write fan-out, or a removal, is pushed together with whatever of the
    // conversation's messages before it the stream has not brought yet, exactly as a pull would
    // cross it. What the events change in memory changes first; the calls that may fail come
    // after, and a failure costs devices a pull, never a message or a push past a removal.
    private async Task Pushed(IReadOnlyList<SyncEvent> events, SyncCursor before)
    {
        if (!_live) return;
        var pushed = new List<SyncEvent>(events.Count);
        var follow = new List<string>();
        var unfollow = new List<string>();
        var complete = true;
        foreach (var e in events)
        {
            if (e.Type is SyncEventTypes.Joined or SyncEventTypes.Fanout && e.Fanout == FanoutMode.Read)
            {
                _liveHeads[e.ConversationId] = e.Seq - 1;
                follow.Add(e.ConversationId);
            }
            else if ((e is { Type: SyncEventTypes.Fanout, Fanout: FanoutMode.Write } || e.Type == SyncEventTypes.Left)
                     && _liveHeads.Remove(e.ConversationId, out var known))
            {
                unfollow.Add(e.ConversationId);
                // Up to T - 1 before a switch back; up to L, the member's last message, before leaving.
                var through = e.Type == SyncEventTypes.Left ? e.Seq : e.Seq - 1;
                try
                {
                    var owed = await conversations.ReadAfterAsync(e.ConversationId, known, (int)Math.Max(0, through - known));
                    pushed.AddRange(owed.Select(entry => SyncEvent.For(MessageCodec.ToMessage(e.ConversationId, entry))));
                }
                catch (Exception error)
                {
                    logger.LogWarning(error, "Could not read what {ConversationId} owes {UserId}; devices will pull it", e.ConversationId, UserId);
                    complete = false;
                }
            }
            else if (e.Type is SyncEventTypes.Left)
            {
                unfollow.Add(e.ConversationId);
            }
            pushed.Add(e);
        }
        foreach (var id in unfollow) await Unfollow(id);
        foreach (var id in follow) await TryFollow(id);
        var after = HeadCursor();
        // Without what the conversation owed, the push would skip it: tell devices where the head is instead.
        await (complete ? Notify(pushed, before, after) : Notify([], after, after));
    }

    private async Task OnConversationMessages(ConversationMessages batch)
    {
        _observers.ClearExpired();
        if (_observers.Count == 0)
        {
            await StopFollowing();
            return;
        }
        if (!_liveHeads.TryGetValue(batch.ConversationId, out var known)) return;
        // Removed, and not told yet: nothing from the removal on.
        var readable = batch.Leaving?.GetValueOrDefault(UserId, long.MaxValue) ?? long.MaxValue;
        var fresh = batch.Messages.Where(m => m.Seq > known && m.Seq <= readable).ToList();
        if (fresh.Count == 0) return;

        var before = HeadCursor();
        _liveHeads[batch.ConversationId] = fresh[^1].Seq;
        if (fresh[0].Seq == known + 1)
        {
            await Notify(fresh.Select(SyncEvent.For).ToList(), before, HeadCursor());
        }
        else
        {
            // Something was lost on the stream: tell devices where the head is, and they pull.
            var head = HeadCursor();
            await Notify([], head, head);
        }
    }

    private Task Notify(IReadOnlyList<SyncEvent> events, SyncCursor before, SyncCursor after)
    {
        var order = new PushOrder(after.Epoch, after.Position, after.ReadPositions.Values.Aggregate(0L, (sum, seq) => unchecked(sum + seq)));
        var batch = new InboxPush(UserId, events, cursors.Encode(before), cursors.Encode(after), order);
        return _observers.Notify(o => o.OnPush(batch));
    }

    private IAsyncStream<ConversationMessages> StreamOf(string conversationId) =>
        this.GetStreamProvider(fanout.Value.StreamProvider)
            .GetStream<ConversationMessages>(StreamId.Create(FanoutOptions.StreamNamespace, conversationId));

    private async Task Follow(string conversationId)
    {
        if (_following.ContainsKey(conversationId)) return;
        var stream = StreamOf(conversationId);
        var existing = await stream.GetAllSubscriptionHandles();
        foreach (var extra in existing.Skip(1)) await extra.UnsubscribeAsync();
        _following[conversationId] = existing.Count > 0
            ? await existing[0].ResumeAsync((batch, _) => OnConversationMessages(batch))
            : await stream.SubscribeAsync((batch, _) => OnConversationMessages(batch));
        metrics.StreamSubscriptionsChanged(+1);
    }

    // The subscription goes from memory at once; if pub-sub cannot be told now, the first item that
    // reaches a later activation for it ends it (OnSubscribed).
    private async Task Unfollow(string conversationId)
    {
        _liveHeads.Remove(conversationId);
        if (!_following.Remove(conversationId, out var handle)) return;
        metrics.StreamSubscriptionsChanged(-1);
        try
        {
            await handle.UnsubscribeAsync();
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Could not end the stream subscription of {UserId} to {ConversationId}; a later item ends it", UserId, conversationId);
        }
    }

    // A follow that fails leaves the position in place (cursors need it) and is tried again when
    // the edge renews its registration; meanwhile devices get these messages by pulling.
    private async Task TryFollow(string conversationId)
    {
        try
        {
            await Follow(conversationId);
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Could not follow the stream of {ConversationId} for {UserId}; devices pull it", conversationId, UserId);
        }
    }

    private async Task StopFollowing()
    {
        foreach (var id in _following.Keys.ToList()) await Unfollow(id);
        _liveHeads.Clear();
        _live = false;
    }

    // A subscription this activation has not resumed: one left by an earlier activation (a crash,
    // or a crash between a `left` event and its unsubscribe). It is resumed if the inbox follows
    // that conversation now, and removed otherwise, so none is ever left behind in pub-sub.
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        var handle = handleFactory.Create<ConversationMessages>();
        var conversationId = handleFactory.StreamId.GetKeyAsString();
        if (_live && !_following.ContainsKey(conversationId) && _index.TryGetValue(conversationId, out var entry) && entry.Fanout == FanoutMode.Read)
        {
            _following[conversationId] = await handle.ResumeAsync((batch, _) => OnConversationMessages(batch));
            metrics.StreamSubscriptionsChanged(+1);
        }
        else
            await handle.UnsubscribeAsync();
    }
}
