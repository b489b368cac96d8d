using Seqline.Conversations;

namespace Seqline.Inboxes;

/// <summary>What the inbox's own new events mean for live push.</summary>
/// <param name="Pushed">The events to push, with what read-fan-out conversations owed before a switch back or a removal.</param>
/// <param name="Follow">Conversations whose streams to follow from now on.</param>
/// <param name="Unfollow">Conversations whose streams to leave.</param>
/// <param name="Complete">False when something owed could not be read: devices must pull instead.</param>
public sealed record LiveChanges(IReadOnlyList<SyncEvent> Pushed, IReadOnlyList<string> Follow, IReadOnlyList<string> Unfollow, bool Complete);

/// <summary>
/// Where live push stands in each read-fan-out conversation while a device is connected: the
/// last seq pushed from its stream, the same position a pull would hold in the cursor. It decides
/// what a stream batch pushes (only what follows the position, never past a removal the
/// conversation has not told yet; a gap means devices pull) and what the inbox's own events change.
/// </summary>
public sealed class LiveFollower(string userId)
{
    private readonly Dictionary<string, long> _heads = new(StringComparer.Ordinal);

    /// <summary>A device is connected somewhere: pushes go out and streams are followed.</summary>
    public bool IsLive { get; private set; }

    /// <summary>The read positions a push's cursor carries.</summary>
    public IReadOnlyDictionary<string, long> Heads => _heads;

    public void Start(IEnumerable<KeyValuePair<string, long>> heads)
    {
        foreach (var (id, seq) in heads) _heads[id] = seq;
        IsLive = true;
    }

    public void Stop()
    {
        _heads.Clear();
        IsLive = false;
    }

    /// <summary>
    /// Crosses the inbox's new events as a pull would: a switch to read fan-out starts a position
    /// (and a stream to follow); a switch back, or a removal, ends it once what the conversation
    /// owes up to there is read (<paramref name="owed"/> returns null when it cannot be read).
    /// </summary>
    public ValueTask<LiveChanges> Cross(IReadOnlyList<SyncEvent> events, Func<string, long, long, Task<IReadOnlyList<ChatMessage>?>> owed) =>
        // Most appends are messages only: nothing to cross, and nothing allocated for it (this runs for every push).
        ChangesNothing(events) ? new(new LiveChanges(events, [], [], true)) : CrossChanges(events, owed);

    private static bool ChangesNothing(IReadOnlyList<SyncEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
            if (events[i].Type is SyncEventTypes.Joined or SyncEventTypes.Fanout or SyncEventTypes.Left) return false;
        return true;
    }

    private async ValueTask<LiveChanges> CrossChanges(IReadOnlyList<SyncEvent> events, Func<string, long, long, Task<IReadOnlyList<ChatMessage>?>> owed)
    {
        var pushed = new List<SyncEvent>(events.Count);
        var (follow, unfollow) = (new List<string>(), new List<string>());
        var complete = true;
        foreach (var e in events)
        {
            if (e.Type is SyncEventTypes.Joined or SyncEventTypes.Fanout && e.Fanout == FanoutMode.Read)
            {
                // Already following (a switch back and forth at one seq): the position stays.
                if (e.Type == SyncEventTypes.Joined || !_heads.ContainsKey(e.ConversationId)) _heads[e.ConversationId] = e.Seq - 1;
                follow.Add(e.ConversationId);
            }
            else if ((e is { Type: SyncEventTypes.Fanout, Fanout: FanoutMode.Write } || e.Type == SyncEventTypes.Left)
                     && _heads.Remove(e.ConversationId, out var known))
            {
                unfollow.Add(e.ConversationId);
                // Up to T - 1 before a switch back; up to L, the member's last message, before leaving.
                var through = e.Type == SyncEventTypes.Left ? e.Seq : e.Seq - 1;
                if (await owed(e.ConversationId, known, through) is { } messages) pushed.AddRange(messages.Select(SyncEvent.ForReadFanout));
                else complete = false;
            }
            else if (e.Type is SyncEventTypes.Left)
            {
                unfollow.Add(e.ConversationId);
            }
            pushed.Add(e);
        }
        return new LiveChanges(pushed, follow, unfollow, complete);
    }

    /// <summary>
    /// A batch from a followed conversation's stream: the messages to push (and the position moves
    /// past them), none when the batch brings nothing new, or null when something before it was
    /// lost on the stream (the position moves all the same; devices pull the gap).
    /// </summary>
    public IReadOnlyList<ChatMessage>? Take(ConversationMessages batch)
    {
        if (!_heads.TryGetValue(batch.ConversationId, out var known)) return [];
        // Removed, and not told yet: nothing from the removal on.
        var readable = batch.Leaving?.GetValueOrDefault(userId, long.MaxValue) ?? long.MaxValue;
        var fresh = batch.Messages.Where(m => m.Seq > known && m.Seq <= readable).ToList();
        if (fresh.Count == 0) return [];
        _heads[batch.ConversationId] = fresh[^1].Seq;
        return fresh[0].Seq == known + 1 ? fresh : null;
    }
}
