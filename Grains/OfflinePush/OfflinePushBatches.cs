namespace Seqline.OfflinePush;

/// <summary>
/// The notices waiting to be sent, one batch per user, and the ids of those taken lately: a notice
/// whose id was seen is dropped, so a message is pushed at most once per node lifetime (within the
/// last <c>remembered</c> ids). Thread-safe: inboxes add from their turns, batches are taken from timers.
/// </summary>
internal sealed class OfflinePushBatches(int maxPending, int remembered)
{
    /// <summary>What <see cref="Add"/> did with a notice.</summary>
    public enum Added
    {
        /// <summary>Seen before: dropped.</summary>
        Duplicate,

        /// <summary>Too many notices wait already: dropped.</summary>
        Dropped,

        /// <summary>Joined the user's open batch.</summary>
        Joined,

        /// <summary>Opened a batch for the user: the caller schedules its sending.</summary>
        Opened,
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<OfflineNotice>> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _seenOrder = new();
    private int _pendingCount;

    public int PendingCount
    {
        get { lock (_lock) return _pendingCount; }
    }

    public Added Add(OfflineNotice notice)
    {
        lock (_lock)
        {
            if (_seen.Contains(notice.Id)) return Added.Duplicate;
            if (_pendingCount >= maxPending) return Added.Dropped;
            Remember(notice.Id);
            _pendingCount++;
            if (_pending.TryGetValue(notice.UserId, out var batch))
            {
                batch.Add(notice);
                return Added.Joined;
            }
            _pending[notice.UserId] = [notice];
            return Added.Opened;
        }
    }

    /// <summary>The user's batch, in the order its notices came; the next notice opens a new one.</summary>
    public IReadOnlyList<OfflineNotice> Take(string userId)
    {
        lock (_lock)
        {
            if (!_pending.Remove(userId, out var batch)) return [];
            _pendingCount -= batch.Count;
            return batch;
        }
    }

    /// <summary>Every user's batch, and nothing left waiting (the node stops).</summary>
    public IReadOnlyList<(string UserId, IReadOnlyList<OfflineNotice> Batch)> TakeAll()
    {
        lock (_lock)
        {
            var all = _pending.Select(p => (p.Key, (IReadOnlyList<OfflineNotice>)p.Value)).ToList();
            _pending.Clear();
            _pendingCount = 0;
            return all;
        }
    }

    private void Remember(string id)
    {
        _seen.Add(id);
        _seenOrder.Enqueue(id);
        if (_seenOrder.Count > remembered) _seen.Remove(_seenOrder.Dequeue());
    }
}
