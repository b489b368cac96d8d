using Seqline.Conversations;

namespace Seqline.Inboxes;

/// <summary>What a sync pull reads: the user's sync timeline and the timelines of read-fan-out conversations.</summary>
public interface ISyncSources
{
    /// <summary>The sync timeline's events after <paramref name="after"/>, oldest first, with their positions.</summary>
    Task<IReadOnlyList<(long Position, SyncEvent Event)>> ReadInbox(long after, int limit);

    /// <summary>A conversation's stored messages after <paramref name="after"/>, oldest first.</summary>
    Task<IReadOnlyList<ChatMessage>> ReadConversation(string conversationId, long after, int limit);

    /// <summary>Whether the user is in the conversation, as the index knows now.</summary>
    bool IsMember(string conversationId);

    /// <summary>
    /// How far the user may read the conversation's timeline, asked after reading it, so that a
    /// removal or a switch back any message read follows is in the answer.
    /// </summary>
    Task<long> ReadableThrough(string conversationId);
}

/// <summary>One page of a pull, and where the next one starts.</summary>
public sealed record SyncPull(IReadOnlyList<SyncEvent> Events, long Position, IReadOnlyDictionary<string, long> ReadPositions, bool HasMore);

/// <summary>
/// The merged pull: a page takes the sync timeline first and then the read-fan-out conversations,
/// at most <c>limit</c> events in all, never past the inbox's head. Fan-out switches are events in
/// the sync timeline, so every device crosses them at its own pace: a switch to read fan-out at
/// seq S starts reading that conversation's timeline after S - 1; a switch back at T first drains
/// the conversation's timeline up to T - 1, and only then moves past the switch. A <c>left</c>
/// event at L likewise drains the conversation up to L, the removed member's last message.
/// </summary>
public sealed class SyncReader(ISyncSources sources)
{
    /// <summary>
    /// The page after <paramref name="position"/> and <paramref name="readPositions"/>. The head is
    /// the last position this inbox knows to be durable: the timeline may hold the events of an
    /// append whose outcome was unknown, which the next activation replays first.
    /// </summary>
    public async Task<SyncPull> Pull(long position, IReadOnlyDictionary<string, long> readPositions, long head, int limit)
    {
        var events = new List<SyncEvent>(Math.Min(limit, 256));
        var reading = new SortedDictionary<string, long>(readPositions.ToDictionary(), StringComparer.Ordinal);
        var hasMore = false;

        // The sync timeline, crossing fan-out switches in order.
        while (events.Count < limit && position < head && !hasMore)
        {
            var entries = await sources.ReadInbox(position, (int)Math.Min(limit - events.Count, head - position));
            if (entries.Count == 0) break;
            foreach (var (at, e) in entries)
            {
                // Back to write fan-out at e.Seq, or out of the conversation after e.Seq: first
                // everything the conversation's timeline still owes up to there.
                var owedThrough = e.Type == SyncEventTypes.Left ? e.Seq : e.Seq - 1;
                if ((e.Type == SyncEventTypes.Left || e is { Type: SyncEventTypes.Fanout, Fanout: FanoutMode.Write })
                    && TryTakePosition(reading, e.ConversationId, out var taken))
                {
                    taken = await ReadConversation(e.ConversationId, taken, owedThrough, events, limit);
                    reading[e.ConversationId] = taken;
                    if (taken < owedThrough || events.Count >= limit)
                    {
                        hasMore = true;
                        break;
                    }
                    reading.Remove(e.ConversationId);
                }
                else if (e is { Type: SyncEventTypes.Joined, Fanout: FanoutMode.Read }
                         || e is { Type: SyncEventTypes.Fanout, Fanout: FanoutMode.Read } && !TryTakePosition(reading, e.ConversationId, out _))
                {
                    // A switch to read fan-out while reading already (the conversation switched
                    // back and forth at one seq, with no message between) keeps the position.
                    reading[e.ConversationId] = e.Seq - 1;
                }
                events.Add(e);
                position = at;
                if (events.Count >= limit) break;
            }
        }

        // Then the read-fan-out conversations, once the sync timeline has nothing more.
        if (position == head)
        {
            foreach (var (conversationId, at) in reading.ToList())
            {
                if (!sources.IsMember(conversationId))
                {
                    reading.Remove(conversationId);
                    continue;
                }
                var room = limit - events.Count;
                if (room == 0)
                {
                    hasMore = true;
                    break;
                }
                var reached = await ReadConversation(conversationId, at, long.MaxValue, events, limit);
                reading[conversationId] = reached;
                hasMore |= reached - at == room;
            }
        }
        hasMore |= position < head;
        return new SyncPull(events, position, reading, hasMore);
    }

    // A position the cursor holds for a conversation the user has left since is under its unknown key.
    private static bool TryTakePosition(IDictionary<string, long> reading, string conversationId, out long at)
    {
        if (reading.TryGetValue(conversationId, out at)) return true;
        if (!reading.Remove(SyncCursorCodec.UnknownKeyOf(conversationId), out at)) return false;
        reading[conversationId] = at;
        return true;
    }

    // Adds the conversation's messages after `after`, up to `through` and the page limit; returns the last seq taken.
    private async Task<long> ReadConversation(string conversationId, long after, long through, List<SyncEvent> events, int limit)
    {
        var room = (int)Math.Min(limit - events.Count, through - after);
        if (room <= 0) return after;
        var messages = await sources.ReadConversation(conversationId, after, room);
        if (messages.Count == 0) return after;
        // A drain up to a `left` or a switch back has its bound from that event; an open read is
        // bounded by what the conversation stored and has not told this inbox yet.
        var readable = through != long.MaxValue ? through
            : sources.IsMember(conversationId) ? await sources.ReadableThrough(conversationId) : after;
        var taken = messages.TakeWhile(m => m.Seq <= readable).ToList();
        events.AddRange(taken.Select(SyncEvent.ForReadFanout));
        return taken.Count > 0 ? taken[^1].Seq : after;
    }
}
