namespace Seqline.Client.Internal;

/// <summary>
/// Acknowledgements of pushed messages, batched across conversations: the newest seq of each
/// conversation pushed since the last batch goes in one hub message, at most one per pace. The
/// first after a quiet pace goes at once; what arrives within the pace waits for its end and goes as
/// one. While pushes keep coming the pace doubles, from <c>interval</c> up to <c>busyInterval</c>,
/// and a quiet pace brings it back: a device that gets a steady stream of messages (a busy user, or
/// a benchmark) sends a few acknowledgements a minute instead of one every interval, while a
/// message after a pause is acknowledged at once. The same rule as the server's <c>BusyPace</c>
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

    /// <summary>
    /// What of a push is acknowledged: its messages, except those of read fan-out (<c>fanout: read</c>),
    /// which have no receipts, so that a large group's members send nothing back for them.
    /// </summary>
    public static List<(string ConversationId, long Seq)> Acknowledged(IEnumerable<SyncEvent> events) =>
        events.Where(e => e.Type == SyncEventTypes.Message && e.Fanout != FanoutModes.Read).Select(e => (e.ConversationId, e.Seq)).ToList();

    public void Note(IEnumerable<(string ConversationId, long Seq)> positions)
    {
        TimeSpan wait;
        lock (_waiting)
        {
            foreach (var (conversationId, seq) in positions)
                _waiting[conversationId] = Math.Max(seq, _waiting.GetValueOrDefault(conversationId));
            // One is due already: it takes these along.
            if (_scheduled || _waiting.Count == 0) return;
            _scheduled = true;
            var since = time.GetUtcNow() - _sentAt;
            if (since >= _pace)
            {
                // Quiet for a whole pace: at once, and back to the shortest pace.
                _pace = interval;
                wait = TimeSpan.Zero;
            }
            else
            {
                // Still busy: this batch waits out the pace, and the next one waits twice as long.
                wait = _pace - since;
                _pace = TimeSpan.FromTicks(Math.Min(_pace.Ticks * 2, busyInterval.Ticks));
            }
        }
        _ = SendAsync(wait);
    }

    /// <summary>
    /// Takes what waits for the pace (at most <see cref="MaxPositionsPerMessage"/>) to ride on a request
    /// the device sends anyway, a message of its own: then no hub message is needed for it. The batch
    /// already due finds less or nothing and sends only what is left; it still counts as sent for the
    /// pace. Null when nothing waits. What the server did not take goes back through <see cref="Note"/>.
    /// </summary>
    public DeliveredPosition[]? TakeWaiting()
    {
        lock (_waiting)
        {
            if (_waiting.Count == 0) return null;
            var taken = _waiting.Take(MaxPositionsPerMessage).Select(p => new DeliveredPosition(p.Key, p.Value)).ToArray();
            foreach (var position in taken) _waiting.Remove(position.ConversationId);
            return taken;
        }
    }

    private async Task SendAsync(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero) await Task.Delay(wait, time).ConfigureAwait(false);
        List<DeliveredPosition> batch;
        lock (_waiting)
        {
            batch = _waiting.Select(p => new DeliveredPosition(p.Key, p.Value)).ToList();
            _waiting.Clear();
            _sentAt = time.GetUtcNow();
            _scheduled = false;
        }
        foreach (var chunk in batch.Chunk(MaxPositionsPerMessage)) await send(chunk).ConfigureAwait(false);
    }
}

/// <summary>One entry of a batched acknowledgement (hub method <c>DeliveredMany</c>).</summary>
internal sealed record DeliveredPosition(string ConversationId, long Seq);
