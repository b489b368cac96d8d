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
    private readonly Dictionary<string, Dictionary<string, long>> _pushed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConversationAcks> _conversations = new(StringComparer.Ordinal);

    /// <summary>This node sent <paramref name="events"/> to <paramref name="userId"/>'s devices: others' messages in it may be acknowledged.</summary>
    public void Pushed(string userId, IReadOnlyList<SyncEvent> events)
    {
        lock (_conversations)
        {
            Dictionary<string, long>? pushed = null;
            foreach (var e in events)
            {
                if (e.Type != SyncEventTypes.Message || e.SenderId == userId) continue;
                if (pushed is null && !_pushed.TryGetValue(userId, out pushed)) _pushed[userId] = pushed = new(StringComparer.Ordinal);
                pushed[e.ConversationId] = Math.Max(e.Seq, pushed.GetValueOrDefault(e.ConversationId));
            }
        }
    }

    /// <summary>The user's last device left this node: nothing pushed here before can be acknowledged any more.</summary>
    public void Forget(string userId)
    {
        lock (_conversations) _pushed.Remove(userId);
    }

    /// <summary>
    /// A device of <paramref name="userId"/> has these conversations' messages up to each seq: kept as
    /// far as this node pushed them; conversations it pushed the user nothing of are dropped.
    /// </summary>
    public void Add(string userId, IEnumerable<DeliveredPosition> positions)
    {
        var now = clock.GetUtcNow();
        lock (_conversations)
        {
            if (!_pushed.TryGetValue(userId, out var pushed)) return;
            foreach (var (conversationId, seq) in positions)
            {
                if (!pushed.TryGetValue(conversationId, out var newest)) continue;
                if (!_conversations.TryGetValue(conversationId, out var conversation))
                    _conversations[conversationId] = conversation = new ConversationAcks(new BusyPace(interval, busyInterval));
                // The first one waiting since the last forward sets when they all go.
                if (conversation.Waiting.Count == 0) conversation.DueAt = now + conversation.Pace.Next(now);
                conversation.Waiting[userId] = Math.Max(Math.Min(seq, newest), conversation.Waiting.GetValueOrDefault(userId));
            }
        }
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
