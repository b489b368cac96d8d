namespace Seqline.Api.Presence;

/// <summary>
/// One hub connection's typing rate: at most one notice per conversation per interval is
/// forwarded. Kept in the connection's items, so it goes with the connection. Bounded: a connection
/// typing in more than <see cref="MaxConversations"/> conversations within one interval is dropped
/// for the extra ones.
/// </summary>
public sealed class TypingThrottle(TimeSpan interval, TimeProvider clock)
{
    public const int MaxConversations = 16;
    private readonly Dictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);

    /// <summary>Whether a notice for <paramref name="conversationId"/> may go now (nothing is recorded yet).</summary>
    public bool MayForward(string conversationId)
    {
        var now = clock.GetUtcNow();
        lock (_last)
        {
            if (_last.TryGetValue(conversationId, out var last)) return now - last >= interval;
            if (_last.Count < MaxConversations) return true;
            foreach (var (id, at) in _last.ToList())
                if (now - at >= interval) _last.Remove(id);
            return _last.Count < MaxConversations;
        }
    }

    /// <summary>A notice for <paramref name="conversationId"/> went now: the next waits an interval.</summary>
    public void Forwarded(string conversationId)
    {
        lock (_last) _last[conversationId] = clock.GetUtcNow();
    }
}
