namespace Seqline.Client.Internal;

/// <summary>
/// Acknowledgements of pushed messages, batched across conversations: the newest seq of each
/// conversation pushed since the last batch goes in one hub message, at most one per pace. The
/// first after a quiet pace goes at once; what arrives within the pace waits for its end and goes as
/// one. While pushes keep coming the pace doubles, from <c>interval</c> up to <c>busyInterval</c>,
/// and a quiet pace brings it back: a device that gets a steady stream of messages (a busy user, or
/// a benchmark) sends a few acknowledgements a minute instead of one every interval, while a
/// message after a pause is acknowledged at once. What waits may ride on the device's own sends
/// instead, in the last interval before it is due (<see cref="TakeWaiting"/>), which count as sent for the pace. The same rule as the server's <c>BusyPace</c>
/// (Grains.Interfaces), written here because the client package references none of the server's
/// assemblies; change both together. Bounded by the conversations the user is in.
/// </summary>
internal sealed class DeliveryAcks(TimeSpan interval, TimeSpan busyInterval, TimeProvider time, Func<DeliveredPosition[], Task> send)
{
    /// <summary>The most positions one hub message carries (the server's limit); more go as several.</summary>
    public const int MaxPositionsPerMessage = 256;

    private readonly Dictionary<string, long> _waiting = new(StringComparer.Ordinal);
    private DateTimeOffset _sentAt = DateTimeOffset.MinValue;
    private TimeSpan _pace; // zero before the first: that one goes at once
    private bool _scheduled;
    private DateTimeOffset _dueAt;

    // Wakes the batch when due. Its due time is set under the lock wherever _dueAt moves, so no
    // clock reading can fall between computing a wait and arming it (which a test clock exposes).
    private ITimer? _timer;

    /// <summary>
    /// What of a push is acknowledged: its messages, except those of read fan-out (<c>fanout: read</c>),
    /// which have no receipts, so that a large group's members send nothing back for them.
    /// </summary>
    public static bool IsAcknowledged(SyncEvent e) => e.Type == SyncEventTypes.Message && e.Fanout != FanoutModes.Read;

    /// <summary>When the batch waiting goes out as a hub message of its own; null when none is waiting to go.</summary>
    internal DateTimeOffset? DueAt
    {
        get
        {
            lock (_waiting) return _scheduled ? _dueAt : null;
        }
    }

    public void Note(IEnumerable<(string ConversationId, long Seq)> positions)
    {
        bool start;
        lock (_waiting)
        {
            foreach (var (conversationId, seq) in positions) Keep(conversationId, seq);
            start = ScheduleIfWaiting();
        }
        if (start) SendIfDue();
    }

    /// <summary>
    /// Notes what of an applied push is acknowledged (<see cref="IsAcknowledged"/>): one pass and one lock,
    /// no list, as it runs for every push a device gets.
    /// </summary>
    public void NotePushed(IReadOnlyList<SyncEvent> events)
    {
        bool start;
        lock (_waiting)
        {
            // Indexed: a foreach over the interface would allocate an enumerator for every push.
            for (var i = 0; i < events.Count; i++)
                if (IsAcknowledged(events[i])) Keep(events[i].ConversationId, events[i].Seq);
            start = ScheduleIfWaiting();
        }
        if (start) SendIfDue();
    }

    private void Keep(string conversationId, long seq) => _waiting[conversationId] = Math.Max(seq, _waiting.GetValueOrDefault(conversationId));

    // Under the lock. True when a batch is newly due: the caller starts waiting for it.
    private bool ScheduleIfWaiting()
    {
        // One is due already: it takes these along.
        if (_scheduled || _waiting.Count == 0) return false;
        _scheduled = true;
        var now = time.GetUtcNow();
        if (now - _sentAt >= _pace)
        {
            // Quiet for a whole pace: at once, and back to the shortest pace.
            _pace = interval;
            _dueAt = now;
        }
        else
        {
            // Still busy: this batch waits out the pace, and the next one waits twice as long.
            _dueAt = _sentAt + _pace;
            _pace = TimeSpan.FromTicks(Math.Min(_pace.Ticks * 2, busyInterval.Ticks));
        }
        return true;
    }

    /// <summary>
    /// Takes what waits for the pace (at most <see cref="MaxPositionsPerMessage"/>) to ride on a request
    /// the device sends anyway, a message of its own: then no hub message is needed for it. Only in the
    /// last <c>interval</c> before the batch is due (all of the shortest pace): a device that sends more
    /// often than its pace would otherwise put a batch on every send, each one more for the server to
    /// check and merge, where at most one per pace is needed. The ride counts as sent for the pace, and
    /// as a batch while busy: the next waits a whole pace from it, and the pace doubles up to the busy
    /// interval, as after a hub message. So a device that sends at least once every interval sends no
    /// hub message at all, and one batch a pace whatever its sending rate. Null when nothing waits or it
    /// is not time yet. What the server did not take goes back through <see cref="Note"/>.
    /// </summary>
    public DeliveredPosition[]? TakeWaiting()
    {
        lock (_waiting)
        {
            if (_waiting.Count == 0 || !_scheduled) return null;
            var now = time.GetUtcNow();
            if (now < _dueAt - interval) return null;
            var taken = new DeliveredPosition[Math.Min(_waiting.Count, MaxPositionsPerMessage)];
            var i = 0;
            foreach (var (conversationId, seq) in _waiting)
            {
                if (i == taken.Length) break;
                taken[i++] = new DeliveredPosition(conversationId, seq);
            }
            foreach (var position in taken) _waiting.Remove(position.ConversationId);
            _sentAt = now;
            _dueAt = _sentAt + _pace;
            _pace = TimeSpan.FromTicks(Math.Min(_pace.Ticks * 2, busyInterval.Ticks));
            _timer?.Change(_dueAt - now, Timeout.InfiniteTimeSpan);
            return taken;
        }
    }

    // Sends what waits (maybe nothing) if the batch is due; otherwise arms the timer for when it is.
    private void SendIfDue()
    {
        List<DeliveredPosition> batch;
        lock (_waiting)
        {
            if (!_scheduled) return;
            var now = time.GetUtcNow();
            if (_dueAt > now)
            {
                _timer ??= time.CreateTimer(static acks => ((DeliveryAcks)acks!).SendIfDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _timer.Change(_dueAt - now, Timeout.InfiniteTimeSpan);
                return;
            }
            batch = _waiting.Select(p => new DeliveredPosition(p.Key, p.Value)).ToList();
            _waiting.Clear();
            // Nothing left (it all rode on sends): no message goes, and the pace still counts from the last send.
            if (batch.Count > 0) _sentAt = now;
            _scheduled = false;
        }
        _ = SendAsync(batch);
    }

    private async Task SendAsync(List<DeliveredPosition> batch)
    {
        foreach (var chunk in batch.Chunk(MaxPositionsPerMessage)) await send(chunk).ConfigureAwait(false);
    }
}

/// <summary>One entry of a batched acknowledgement (hub method <c>DeliveredMany</c>).</summary>
internal sealed record DeliveredPosition(string ConversationId, long Seq);
