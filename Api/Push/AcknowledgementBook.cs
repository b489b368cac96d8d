using Seqline.Inboxes;
using Seqline.Receipts;

namespace Seqline.Api.Push;

/// <summary>
/// What an edge node knows of delivery: the newest seq of others' messages it pushed to each of its
/// users per conversation, and what the users' devices acknowledged of it, waiting to be told to the
/// conversations' receipts at most once per interval per conversation. The first after a quiet
/// interval is due at once; what comes within the interval waits for its end and goes as one, every
/// member's newest position in it.
/// <para>
/// An acknowledgement counts only for what this node pushed to that user, and no further: that is
/// the membership check and the cap at the last message, without a call, so a device naming
/// conversations or seqs at will makes no grain do anything.
/// </para>
/// Thread-safe. Bounded: pushed positions by the conversations of the users connected here
/// (<see cref="Forget"/> drops a user whose last device left), waiting ones by the conversations
/// acknowledged within the last interval.
/// </summary>
public sealed class AcknowledgementBook(TimeSpan interval)
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
        lock (_conversations)
        {
            if (!_pushed.TryGetValue(userId, out var pushed)) return;
            foreach (var (conversationId, seq) in positions)
            {
                if (!pushed.TryGetValue(conversationId, out var newest)) continue;
                if (!_conversations.TryGetValue(conversationId, out var conversation)) _conversations[conversationId] = conversation = new ConversationAcks();
                conversation.Waiting[userId] = Math.Max(Math.Min(seq, newest), conversation.Waiting.GetValueOrDefault(userId));
            }
        }
    }

    /// <summary>
    /// What is due at <paramref name="now"/>, one entry per conversation: those with positions waiting
    /// whose last forward is an interval old. Conversations with nothing waiting and a quiet interval
    /// behind them are forgotten.
    /// </summary>
    public List<(string ConversationId, List<MemberDelivered> Members)> TakeDue(DateTimeOffset now)
    {
        List<(string, List<MemberDelivered>)> due = [];
        lock (_conversations)
        {
            List<string>? quiet = null;
            foreach (var (conversationId, conversation) in _conversations)
            {
                if (conversation.ForwardedAt + interval > now) continue;
                if (conversation.Waiting.Count == 0)
                {
                    (quiet ??= []).Add(conversationId);
                    continue;
                }
                due.Add((conversationId, conversation.Take()));
                conversation.ForwardedAt = now;
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

    private sealed class ConversationAcks
    {
        public Dictionary<string, long> Waiting { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset ForwardedAt { get; set; } = DateTimeOffset.MinValue;

        public List<MemberDelivered> Take()
        {
            var members = Waiting.Select(p => new MemberDelivered(p.Key, p.Value)).ToList();
            Waiting.Clear();
            return members;
        }
    }
}
