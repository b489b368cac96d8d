namespace Seqline.Client.Internal;

/// <summary>
/// Acknowledgements of pushed messages, batched across conversations: the newest seq of each
/// conversation pushed since the last batch goes in one hub message, at most one per interval. The
/// first after a quiet interval goes at once; what arrives within the interval waits for its end
/// and goes as one. Bounded by the conversations the user is in.
/// </summary>
internal sealed class DeliveryAcks(TimeSpan interval, TimeProvider time, Func<DeliveredPosition[], Task> send)
{
    /// <summary>The most positions one hub message carries (the server's limit); more go as several.</summary>
    public const int MaxPositionsPerMessage = 256;

    private readonly Dictionary<string, long> _waiting = new(StringComparer.Ordinal);
    private DateTimeOffset _sentAt = DateTimeOffset.MinValue;
    private bool _scheduled;

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
            wait = since >= interval ? TimeSpan.Zero : interval - since;
        }
        _ = SendAsync(wait);
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
