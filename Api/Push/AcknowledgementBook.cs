using Seqline.Receipts;

namespace Seqline.Api.Push;

/// <summary>
/// The push acknowledgements waiting on an edge node: per user, the newest seq of each conversation
/// any of the user's devices acknowledged since the last take. Two devices, or one device twice,
/// acknowledging the same conversation leave one position. Thread-safe; bounded by the users who
/// acknowledged since the last take and their conversations.
/// </summary>
public sealed class AcknowledgementBook
{
    private readonly Dictionary<string, Dictionary<string, long>> _waiting = new(StringComparer.Ordinal);

    public void Add(string userId, IEnumerable<DeliveredPosition> positions)
    {
        lock (_waiting)
        {
            if (!_waiting.TryGetValue(userId, out var newest)) _waiting[userId] = newest = new(StringComparer.Ordinal);
            foreach (var (conversationId, seq) in positions)
                newest[conversationId] = Math.Max(seq, newest.GetValueOrDefault(conversationId));
            if (newest.Count == 0) _waiting.Remove(userId);
        }
    }

    /// <summary>Everything waiting, one entry per user, and nothing left behind.</summary>
    public List<(string UserId, List<DeliveredPosition> Positions)> TakeAll()
    {
        Dictionary<string, Dictionary<string, long>> due;
        lock (_waiting)
        {
            if (_waiting.Count == 0) return [];
            due = new(_waiting, StringComparer.Ordinal);
            _waiting.Clear();
        }
        return due.Select(u => (u.Key, u.Value.Select(p => new DeliveredPosition(p.Key, p.Value)).ToList())).ToList();
    }
}
