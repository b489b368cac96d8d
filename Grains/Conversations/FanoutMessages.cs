using System.Diagnostics;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// The messages a conversation's fan-out carries: those sent by this activation and not fanned out
/// yet, held in memory in the <see cref="Outbox"/> with the trace each was sent in (so their fan-out
/// continues that trace), and read back from the storage timeline when memory did not keep them (a
/// new activation, a full outbox, a straggler far behind).
/// </summary>
internal sealed class FanoutMessages(string conversationId, ITimelineStore timeline, int capacity)
{
    private readonly Outbox _outbox = new(capacity);
    private readonly Dictionary<long, ActivityContext> _traces = [];

    /// <summary>Holds a batch just stored, as far as the outbox has room past <paramref name="fannedOutThrough"/>.</summary>
    public void Appended(IReadOnlyList<ChatMessage> batch, IReadOnlyList<ActivityContext> traces, long fannedOutThrough)
    {
        _outbox.Add(batch, fannedOutThrough);
        for (var i = 0; i < batch.Count; i++)
            if (traces[i] != default && _outbox.Holds(batch[i].Seq)) _traces[batch[i].Seq] = traces[i];
    }

    /// <summary>A recalled message's tombstone replaces it, should it still be held.</summary>
    public void Recalled(ChatMessage tombstone) => _outbox.Replace(tombstone);

    /// <summary>The traces the messages of a batch were sent in (default where none is known).</summary>
    public IReadOnlyList<ActivityContext> TracesOf(IReadOnlyList<ChatMessage> messages) =>
        messages.Select(m => _traces.GetValueOrDefault(m.Seq)).ToList();

    /// <summary>Everyone in step has the messages through <paramref name="seq"/>: they need not be held.</summary>
    public void FannedOutThrough(long seq)
    {
        _outbox.DropThrough(seq);
        foreach (var held in _traces.Keys.Where(held => held <= seq).ToList()) _traces.Remove(held);
    }

    /// <summary>
    /// The messages <paramref name="from"/> through <paramref name="through"/> for the main loop: from
    /// memory, after topping the outbox up from the timeline when it has room, else read directly.
    /// </summary>
    public async Task<IReadOnlyList<ChatMessage>> Next(long from, long through, long fannedOutThrough, long head)
    {
        if (_outbox.Holds(from) && _outbox.Holds(through)) return _outbox.Range(from, through);
        var room = _outbox.RoomFor(fannedOutThrough, head);
        if (room > 0 && _outbox.EndOr(fannedOutThrough) < through)
        {
            var entries = await timeline.ReadAfterAsync(conversationId, _outbox.EndOr(fannedOutThrough), room);
            _outbox.Add(entries.Select(e => MessageCodec.ToMessage(conversationId, e)).ToList(), fannedOutThrough);
        }
        if (_outbox.Holds(from) && _outbox.Holds(through)) return _outbox.Range(from, through);
        return await Read(from, through);
    }

    /// <summary>The stored messages from <paramref name="from"/> through <paramref name="through"/>.</summary>
    public async Task<IReadOnlyList<ChatMessage>> Read(long from, long through)
    {
        var entries = await timeline.ReadAfterAsync(conversationId, from - 1, (int)(through - from + 1));
        return entries.Select(e => MessageCodec.ToMessage(conversationId, e)).ToList();
    }
}
