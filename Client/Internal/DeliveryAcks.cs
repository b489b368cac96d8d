namespace Seqline.Client.Internal;

/// <summary>
/// Acknowledgements of pushed messages, at most one per conversation per interval: the first goes at
/// once, later ones within the interval wait for its end and go as one with the newest seq. Bounded by
/// the conversations the user is in.
/// </summary>
internal sealed class DeliveryAcks(TimeSpan interval, TimeProvider time, Func<string, long, Task> send)
{
    private readonly Dictionary<string, (DateTimeOffset SentAt, long Waiting)> _state = new(StringComparer.Ordinal);

    public void Note(string conversationId, long seq)
    {
        TimeSpan wait;
        lock (_state)
        {
            var now = time.GetUtcNow();
            if (_state.TryGetValue(conversationId, out var s) && now - s.SentAt < interval)
            {
                // One is due already: it takes the newest seq along.
                var scheduled = s.Waiting > 0;
                _state[conversationId] = s with { Waiting = Math.Max(s.Waiting, seq) };
                if (scheduled) return;
                wait = interval - (now - s.SentAt);
            }
            else
            {
                _state[conversationId] = (now, 0);
                wait = TimeSpan.Zero;
            }
        }
        if (wait == TimeSpan.Zero) _ = send(conversationId, seq);
        else _ = LaterAsync(conversationId, wait);
    }

    private async Task LaterAsync(string conversationId, TimeSpan wait)
    {
        await Task.Delay(wait, time).ConfigureAwait(false);
        long seq;
        lock (_state)
        {
            seq = _state[conversationId].Waiting;
            _state[conversationId] = (time.GetUtcNow(), 0);
        }
        await send(conversationId, seq).ConfigureAwait(false);
    }
}
