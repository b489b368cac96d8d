using System.Collections.Concurrent;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Receipts;

namespace Seqline.Api.Push;

/// <summary>
/// What an edge node knows of delivery: the newest seq of others' messages it pushed to each of its
/// users per conversation, and what the users' devices acknowledged of it, waiting to be told to the
/// conversations' receipts at most once per pace per conversation (<see cref="BusyPace"/>). The
/// first after a quiet pace is due at once; what comes within the pace waits for its end and goes as
/// one, every member's newest position in it; while acknowledgements keep coming the pace grows
/// from the interval to the busy interval.
/// <para>
/// An acknowledgement counts only for what this node pushed to that user, and no further: that is
/// the membership check and the cap at the last message, without a call, so a device naming
/// conversations or seqs at will makes no grain do anything.
/// </para>
/// Thread-safe. Bounded: pushed positions by the conversations of the users connected here
/// (<see cref="Forget"/> drops a user whose last device left), waiting ones by the conversations
/// acknowledged within the last busy interval.
/// </summary>
public sealed class AcknowledgementBook(TimeSpan interval, TimeSpan busyInterval, TimeProvider clock)
{
    // Per user, each under its own lock: every push notes here, from whichever thread sends it, and
    // a node-wide lock would have them all queue behind each other and behind the forwarding.
    private readonly ConcurrentDictionary<string, Dictionary<string, long>> _pushed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConversationAcks> _conversations = new(StringComparer.Ordinal);

    /// <summary>This node sent <paramref name="events"/> to <paramref name="userId"/>'s devices: others' messages in it may be acknowledged.</summary>
    public void Pushed(string userId, IReadOnlyList<SyncEvent> events)
    {
        Dictionary<string, long>? pushed = null;
        // Indexed: a foreach over the interface would allocate an enumerator for every push.
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            // Read fan-out has no receipts: nothing of it is kept here, so its acknowledgements are dropped at once.
            if (e.Type != SyncEventTypes.Message || e.SenderId == userId || e.Fanout == FanoutMode.Read) continue;
            pushed ??= _pushed.GetOrAdd(userId, static _ => new Dictionary<string, long>(StringComparer.Ordinal));
            lock (pushed) pushed[e.ConversationId] = Math.Max(e.Seq, pushed.GetValueOrDefault(e.ConversationId));
        }
    }

    /// <summary>The user's last device left this node: nothing pushed here before can be acknowledged any more.</summary>
    public void Forget(string userId) => _pushed.TryRemove(userId, out _);

    /// <summary>
    /// A device of <paramref name="userId"/> has these conversations' messages up to each seq: kept as
    /// far as this node pushed them; conversations it pushed the user nothing of are skipped.
    /// </summary>
    /// <returns>The conversations skipped (none, usually): another node may have pushed them.</returns>
    public IReadOnlyList<string> Add(string userId, IReadOnlyList<DeliveredPosition> positions)
    {
        if (!_pushed.TryGetValue(userId, out var pushed)) return [.. positions.Select(p => p.ConversationId)];
        List<(string ConversationId, long Seq)> counted = [];
        List<string>? skipped = null;
        lock (pushed)
        {
            foreach (var (conversationId, seq) in positions)
            {
                if (pushed.TryGetValue(conversationId, out var newest)) counted.Add((conversationId, Math.Min(seq, newest)));
                else (skipped ??= []).Add(conversationId);
            }
        }
        if (counted.Count == 0) return skipped ?? [];
        var now = clock.GetUtcNow();
        lock (_conversations)
        {
            foreach (var (conversationId, seq) in counted)
            {
                if (!_conversations.TryGetValue(conversationId, out var conversation))
                    _conversations[conversationId] = conversation = new ConversationAcks(new BusyPace(interval, busyInterval));
                // The first one waiting since the last forward sets when they all go.
                if (conversation.Waiting.Count == 0) conversation.DueAt = now + conversation.Pace.Next(now);
                conversation.Waiting[userId] = Math.Max(seq, conversation.Waiting.GetValueOrDefault(userId));
            }
        }
        return skipped ?? [];
    }

    /// <summary>
    /// What is due now, one entry per conversation: those with positions waiting whose pace has run
    /// out. Conversations with nothing waiting and the longest pace quiet behind them are forgotten.
    /// </summary>
    public List<(string ConversationId, List<MemberDelivered> Members)> TakeDue()
    {
        var now = clock.GetUtcNow();
        List<(string, List<MemberDelivered>)> due = [];
        lock (_conversations)
        {
            List<string>? quiet = null;
            foreach (var (conversationId, conversation) in _conversations)
            {
                if (conversation.Waiting.Count == 0)
                {
                    if (conversation.Pace.QuietSince(now)) (quiet ??= []).Add(conversationId);
                    continue;
                }
                if (conversation.DueAt > now) continue;
                due.Add((conversationId, conversation.Take()));
                conversation.Pace.Went(now);
            }
            foreach (var conversationId in quiet ?? []) _conversations.Remove(conversationId);
        }
        return due;
    }

    /// <summary>Everything waiting, whatever the pace (the node is stopping), and nothing left behind.</summary>
    public List<(string ConversationId, List<MemberDelivered> Members)> TakeAll()
    {
        lock (_conversations)
        {
            var all = _conversations.Where(c => c.Value.Waiting.Count > 0).Select(c => (c.Key, c.Value.Take())).ToList();
            _conversations.Clear();
            return all;
        }
    }

    private sealed class ConversationAcks(BusyPace pace)
    {
        public Dictionary<string, long> Waiting { get; } = new(StringComparer.Ordinal);
        public BusyPace Pace => pace;
        public DateTimeOffset DueAt { get; set; }

        public List<MemberDelivered> Take()
        {
            var members = Waiting.Select(p => new MemberDelivered(p.Key, p.Value)).ToList();
            Waiting.Clear();
            return members;
        }
    }
}
