using Seqline.Hosting;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// A conversation's storage timeline as members page through it, and its retention: it owns the
/// trim mark (<see cref="TrimmedThrough"/>), read on activation and moved by the retention timer
/// where a deployment sets a storage retention (by default conversations keep everything). Pages
/// never reach past the head the send path has made durable, nor below the trim mark.
/// </summary>
internal sealed class ConversationHistory(string id, ITimelineStore timeline, SeqlineLimits limits, RetentionOptions retention, TimeProvider clock)
{
    /// <summary>Everything up to this seq has expired and been trimmed.</summary>
    public long TrimmedThrough { get; private set; }

    public void Start(long trimmedThrough) => TrimmedThrough = trimmedThrough;

    public async Task TrimExpired(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - retention.StorageTimeline!.Value;
        TrimmedThrough = await RetentionTrimmer.TrimExpired(timeline, id, cutoff, retention, cancellationToken);
    }

    public async Task<MessagePage> ReadBefore(long? before, int limit, long head)
    {
        limits.RequirePageSize(limit);
        var upTo = Math.Min(before ?? long.MaxValue, head + 1);
        if (upTo < 1) throw SeqlineException.Invalid("before must be positive.");
        var entries = await timeline.ReadBeforeAsync(id, upTo, limit);
        var messages = entries.Select(e => MessageCodec.ToMessage(id, e)).ToList();
        return new MessagePage(messages, messages.Count > 0 && messages[0].Seq > TrimmedThrough + 1);
    }

    public async Task<MessagePage> ReadAfter(long after, int limit, long head)
    {
        limits.RequirePageSize(limit);
        if (after < 0) throw SeqlineException.Invalid("after must not be negative.");
        // History below the retention horizon is gone: the page starts where the timeline does now.
        after = Math.Max(after, TrimmedThrough);
        var entries = after >= head ? [] : await timeline.ReadAfterAsync(id, after, (int)Math.Min(limit, head - after));
        var messages = entries.Select(e => MessageCodec.ToMessage(id, e)).ToList();
        return new MessagePage(messages, (messages.Count > 0 ? messages[^1].Seq : after) < head);
    }
}
