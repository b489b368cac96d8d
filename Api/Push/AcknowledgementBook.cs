using Seqline.Receipts;

namespace Seqline.Api.Push;

/// <summary>
/// The push acknowledgements waiting on an edge node, and their pace: per user, the newest seq of
/// each conversation any of the user's devices acknowledged, forwarded at most once per interval.
/// The first after a quiet interval is due at once; what comes within the interval waits for its
/// end and goes as one. Two devices, or one device twice, acknowledging the same conversation leave
/// one position. Thread-safe; bounded by the users who acknowledged within the last interval and
/// their conversations.
/// </summary>
public sealed class AcknowledgementBook(TimeSpan interval)
{
    private readonly Dictionary<string, UserAcks> _users = new(StringComparer.Ordinal);

    public void Add(string userId, IEnumerable<DeliveredPosition> positions)
    {
        lock (_users)
        {
            if (!_users.TryGetValue(userId, out var user)) _users[userId] = user = new UserAcks();
            foreach (var (conversationId, seq) in positions)
                user.Waiting[conversationId] = Math.Max(seq, user.Waiting.GetValueOrDefault(conversationId));
        }
    }

    /// <summary>
    /// What is due at <paramref name="now"/>, one entry per user: those with positions waiting whose
    /// last forward is an interval old. Users with nothing waiting and a quiet interval behind them are forgotten.
    /// </summary>
    public List<(string UserId, List<DeliveredPosition> Positions)> TakeDue(DateTimeOffset now)
    {
        List<(string, List<DeliveredPosition>)> due = [];
        lock (_users)
        {
            List<string>? quiet = null;
            foreach (var (userId, user) in _users)
            {
                if (user.ForwardedAt + interval > now) continue;
                if (user.Waiting.Count == 0)
                {
                    (quiet ??= []).Add(userId);
                    continue;
                }
                due.Add((userId, user.Take()));
                user.ForwardedAt = now;
            }
            foreach (var userId in quiet ?? []) _users.Remove(userId);
        }
        return due;
    }

    /// <summary>Everything waiting, whatever the pace (the node is stopping), and nothing left behind.</summary>
    public List<(string UserId, List<DeliveredPosition> Positions)> TakeAll()
    {
        lock (_users)
        {
            var all = _users.Where(u => u.Value.Waiting.Count > 0).Select(u => (u.Key, u.Value.Take())).ToList();
            _users.Clear();
            return all;
        }
    }

    private sealed class UserAcks
    {
        public Dictionary<string, long> Waiting { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset ForwardedAt { get; set; } = DateTimeOffset.MinValue;

        public List<DeliveredPosition> Take()
        {
            var positions = Waiting.Select(p => new DeliveredPosition(p.Key, p.Value)).ToList();
            Waiting.Clear();
            return positions;
        }
    }
}
