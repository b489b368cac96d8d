using Microsoft.Extensions.Logging;
using Seqline.Conversations;
using Seqline.Timelines;

namespace Seqline.Inboxes;

/// <summary>
/// Sync pulls: the user's sync timeline merged with the storage timelines of read-fan-out
/// conversations. The cursor holds a position in each; a page takes the sync timeline first and
/// then the read-fan-out conversations, at most <c>limit</c> events in all. Fan-out switches are
/// events in the sync timeline, so every device crosses them at its own pace: a switch to read
/// fan-out at seq S starts reading that conversation's timeline after S - 1; a switch back at T
/// first drains the conversation's timeline up to T - 1, and only then moves past the switch. A
/// <c>left</c> event at L likewise drains the conversation up to L, the removed member's last message.
/// </summary>
public sealed partial class InboxGrain
{
    public async Task<SyncPage> Sync(string? cursor, int limit)
    {
        RequireUsable();
        limits.Value.RequirePageSize(limit);
        if (string.IsNullOrEmpty(cursor)) return await Reset();

        var from = cursors.Decode(cursor, ConversationOfCursorKey);
        if (from.UserId != UserId) throw SeqlineException.Forbidden("The sync cursor belongs to another user.");
        if (from.Epoch != CursorEpoch || from.Position < _trimmedThrough) return await Reset();
        if (from.Position > Index.Head)
        {
            // A genuine cursor past the head: the inbox went back (restored from an older copy),
            // and will hand these positions out again. Every device of this epoch must reset.
            logger.LogWarning("A cursor of {UserId} is at {Position}, past the inbox's head {Head}; starting a new epoch", UserId, from.Position, Index.Head);
            NewEpoch();
            await Checkpoint();
            return await Reset();
        }

        try
        {
            return await Pull(from, limit);
        }
        catch (TimelineTrimmedException)
        {
            return await Reset();
        }
    }

    // Cursors keep conversations as hashes of their ids; the inbox knows which of its own is meant.
    // The map is rebuilt on a miss, so a conversation joined since it was built is never taken for
    // one the user has left.
    private string? ConversationOfCursorKey(ulong hash)
    {
        if (_cursorKeys is not null && _cursorKeys.TryGetValue(hash, out var known) && _index.ContainsKey(known)) return known;
        _cursorKeys = new Dictionary<ulong, string>(_index.Count);
        foreach (var id in _index.Keys) _cursorKeys.TryAdd(SyncCursorCodec.HashOf(id), id);
        return _cursorKeys.GetValueOrDefault(hash);
    }

    private Dictionary<ulong, string>? _cursorKeys;

    // A position the cursor holds for a conversation the user has left since is under its unknown key.
    private static bool TryTakePosition(IDictionary<string, long> reading, string conversationId, out long at)
    {
        if (reading.TryGetValue(conversationId, out at)) return true;
        if (!reading.Remove(SyncCursorCodec.UnknownKeyOf(conversationId), out at)) return false;
        reading[conversationId] = at;
        return true;
    }

    private async Task<SyncPage> Pull(SyncCursor from, int limit)
    {
        var events = new List<SyncEvent>(Math.Min(limit, 256));
        var position = from.Position;
        var reading = new SortedDictionary<string, long>(from.ReadPositions.ToDictionary(), StringComparer.Ordinal);
        var hasMore = false;

        // The sync timeline, crossing fan-out switches in order.
        while (events.Count < limit && position < Index.Head && !hasMore)
        {
            // Never past the head this activation knows: the timeline may hold the events of an
            // append whose outcome was unknown here, which the next activation replays first.
            var entries = await timeline.ReadAfterAsync(UserId, position, (int)Math.Min(limit - events.Count, Index.Head - position));
            foreach (var entry in entries)
            {
                var e = MessageCodec.ToEvent(entry);
                // Back to write fan-out at e.Seq, or out of the conversation after e.Seq: first
                // everything the conversation's timeline still owes up to there.
                var owedThrough = e.Type == SyncEventTypes.Left ? e.Seq : e.Seq - 1;
                if ((e.Type == SyncEventTypes.Left || e.Type == SyncEventTypes.Fanout && e.Fanout == FanoutMode.Write)
                    && TryTakePosition(reading, e.ConversationId, out var at))
                {
                    at = await ReadConversation(e.ConversationId, at, owedThrough, events, limit);
                    reading[e.ConversationId] = at;
                    if (at < owedThrough || events.Count >= limit)
                    {
                        hasMore = true;
                        break;
                    }
                    reading.Remove(e.ConversationId);
                }
                else if (e.Type is SyncEventTypes.Joined or SyncEventTypes.Fanout && e.Fanout == FanoutMode.Read)
                {
                    reading[e.ConversationId] = e.Seq - 1;
                }
                events.Add(e);
                position = entry.Seq;
                if (events.Count >= limit) break;
            }
        }

        // Then the read-fan-out conversations, once the sync timeline has nothing more.
        if (position == Index.Head)
        {
            foreach (var (conversationId, at) in reading.ToList())
            {
                if (!_index.ContainsKey(conversationId))
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
        hasMore |= position < Index.Head;
        return new SyncPage(false, events, cursors.Encode(new SyncCursor(UserId, CursorEpoch, position, reading)), hasMore, null);
    }

    // Appends the conversation's messages after `after`, up to `through` and the page limit; returns the last seq taken.
    private async Task<long> ReadConversation(string conversationId, long after, long through, List<SyncEvent> events, int limit)
    {
        var room = (int)Math.Min(limit - events.Count, through - after);
        if (room <= 0) return after;
        var entries = await conversations.ReadAfterAsync(conversationId, after, room);
        if (entries.Count == 0) return after;
        // A drain up to a `left` or a switch back has its bound from that event. An open read is
        // bounded by what the conversation stored and has not told yet, asked after the read, so
        // that a removal or a switch any of these messages follows is in the answer.
        var readable = through != long.MaxValue ? through
            : _index.TryGetValue(conversationId, out var entry) ? await ReadableThrough(conversationId, entry) : after;
        var taken = entries.TakeWhile(e => e.Seq <= readable).ToList();
        events.AddRange(taken.Select(e => SyncEvent.For(MessageCodec.ToMessage(conversationId, e))));
        return taken.Count > 0 ? taken[^1].Seq : after;
    }

    // The snapshot shows each read-fan-out conversation as far as the cursor has read it, no
    // further: a message sent in between comes once, by sync after the cursor, not also in the rows.
    private async Task<SyncPage> Reset()
    {
        var head = await HeadCursorNow();
        return new(true, [], cursors.Encode(head), false, await Snapshot(head.ReadPositions));
    }

    // Where a device that has everything stands: the sync timeline's head, and each read-fan-out
    // conversation's newest seq.
    private async Task<SyncCursor> HeadCursorNow()
    {
        var reading = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, entry) in _index.Where(c => c.Value.Fanout == FanoutMode.Read))
            reading[id] = await LastSeqOf(id, entry);
        return new SyncCursor(UserId, CursorEpoch, Index.Head, reading);
    }
}
