using Seqline.Client;

namespace Seqline.Bench.Scenarios.E2e;

/// <summary>
/// A device reading what it receives, as a user with the conversation open would: others' messages
/// are marked read at most once a second per conversation, the newest seq, so that e2e exercises
/// read receipts (and the delivered positions they move) at a realistic rate.
/// </summary>
public sealed class ReadMarker(Device device, TimeSpan every)
{
    private readonly Dictionary<string, long> _waiting = new(StringComparer.Ordinal);

    public Task Received(SyncEvent e)
    {
        if (e.SenderId == device.UserId) return Task.CompletedTask;
        lock (_waiting)
        {
            // A mark is due already: it takes this seq along.
            if (_waiting.TryGetValue(e.ConversationId, out var seq))
            {
                _waiting[e.ConversationId] = Math.Max(seq, e.Seq);
                return Task.CompletedTask;
            }
            _waiting[e.ConversationId] = e.Seq;
        }
        _ = MarkLaterAsync(e.ConversationId);
        return Task.CompletedTask;
    }

    private async Task MarkLaterAsync(string conversationId)
    {
        await Task.Delay(every);
        long seq;
        lock (_waiting)
        {
            seq = _waiting[conversationId];
            _waiting.Remove(conversationId);
        }
        try
        {
            await device.Client.MarkReadAsync(conversationId, seq);
        }
        catch (Exception error) when (error is SeqlineApiException or HttpRequestException or TaskCanceledException)
        {
            // Only a receipt that shows later; what the benchmark measures is delivery.
        }
    }
}
