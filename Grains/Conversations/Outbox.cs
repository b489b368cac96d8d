namespace Seqline.Conversations;

/// <summary>
/// The messages a conversation has stored and not yet fanned out, as far as memory holds them:
/// at most <c>capacity</c>, from just after the fan-out watermark. New messages are added while
/// there is room and they follow on; the rest stay in the timeline and are read back as room
/// frees, so a fan-out that is stuck costs a bounded amount of memory, whatever the backlog.
/// </summary>
public sealed class Outbox(int capacity)
{
    private readonly List<ChatMessage> _messages = [];

    public int Count => _messages.Count;

    /// <summary>The seq of the last message held, or <paramref name="watermark"/> when empty.</summary>
    public long EndOr(long watermark) => _messages.Count > 0 ? _messages[^1].Seq : watermark;

    /// <summary>Adds stored messages that follow on from what is held (or from the watermark), while there is room.</summary>
    public void Add(IReadOnlyList<ChatMessage> messages, long watermark)
    {
        foreach (var message in messages)
        {
            if (_messages.Count >= capacity || message.Seq != EndOr(watermark) + 1) return;
            _messages.Add(message);
        }
    }

    /// <summary>How many messages to read back from the timeline after <see cref="EndOr"/>; 0 when none.</summary>
    public int RoomFor(long watermark, long head) => (int)Math.Min(capacity - _messages.Count, Math.Max(0, head - EndOr(watermark)));

    /// <summary>The held messages from <paramref name="from"/> through <paramref name="through"/>.</summary>
    public IReadOnlyList<ChatMessage> Range(long from, long through) =>
        _messages.Where(m => m.Seq >= from && m.Seq <= through).ToList();

    public bool Holds(long seq) => _messages.Count > 0 && seq >= _messages[0].Seq && seq <= _messages[^1].Seq;

    /// <summary>Everything through <paramref name="seq"/> has been fanned out.</summary>
    public void DropThrough(long seq) => _messages.RemoveAll(m => m.Seq <= seq);

    /// <summary>A recalled message that is still to go out goes as its tombstone.</summary>
    public void Replace(ChatMessage tombstone)
    {
        var i = _messages.FindIndex(m => m.Seq == tombstone.Seq);
        if (i >= 0) _messages[i] = tombstone;
    }
}
