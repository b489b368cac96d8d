using Seqline.Conversations;
using Seqline.Storage.Rows;
using Seqline.Timelines;

namespace Seqline.Inboxes;

/// <summary>
/// The inbox's reads of storage: its own sync timeline, and the timelines of its read-fan-out
/// conversations, each bounded by what the user may read of them (a removal or a switch back the
/// conversation stored and has not told this inbox yet).
/// </summary>
internal sealed class InboxReads(ITimelineStore inbox, ITimelineStore conversations, IRowStore memberRows, string userId, ConversationIndex index) : ISyncSources
{
    public async Task<IReadOnlyList<(long Position, SyncEvent Event)>> ReadInbox(long after, int limit) =>
        (await inbox.ReadAfterAsync(userId, after, limit)).Select(entry => (entry.Seq, InboxEventCodec.ToEvent(entry))).ToList();

    public async Task<IReadOnlyList<ChatMessage>> ReadConversation(string conversationId, long after, int limit) =>
        (await conversations.ReadAfterAsync(conversationId, after, limit)).Select(entry => MessageCodec.ToMessage(conversationId, entry)).ToList();

    public bool IsMember(string conversationId) => index.Contains(conversationId);

    public Task<long> ReadableThrough(string conversationId) =>
        index.TryGet(conversationId, out var entry) ? ReadableThrough(conversationId, entry) : Task.FromResult(long.MinValue);

    /// <summary>
    /// How far the user may read a read-fan-out conversation's timeline: everything, unless they
    /// were removed and the conversation has not told this inbox yet (then up to the removal), or
    /// the conversation switched back to write fan-out and has not told this inbox yet (then up to
    /// the switch: copies follow). The conversation stores both before it gives any later message
    /// a seq, so whatever was read of the timeline before asking is covered by the answer.
    /// </summary>
    public async Task<long> ReadableThrough(string conversationId, ConversationIndexEntry entry)
    {
        var member = await memberRows.ReadAsync(conversationId, userId) is { } row ? MemberRow.From(row).ReadableThrough : long.MaxValue;
        var modes = await memberRows.ReadAsync(FanoutModesRow.OwnerOf(conversationId), FanoutModesRow.Key);
        return Math.Min(member, FanoutModesRow.ReadableThrough(modes, entry.FanoutSince));
    }

    /// <summary>The last seq of the conversation the user may see.</summary>
    public async Task<long> LastSeqOf(string conversationId, ConversationIndexEntry entry) => entry.Fanout == FanoutMode.Read
        ? Math.Max(entry.LastSeq, Math.Min((await conversations.GetHeadAsync(conversationId)).LastSeq, await ReadableThrough(conversationId, entry)))
        : entry.LastSeq;

    /// <summary>
    /// The most of a read-fan-out conversation's newest entries a row looks at: the edits and
    /// reactions among its unread ones are neither unread nor the preview. Unread changes older than
    /// these still count as unread, in a conversation with more unread entries than this, where a
    /// list shows "99+" anyway.
    /// </summary>
    public const int RowScan = 100;

    /// <summary>
    /// The conversation's row for lists; in read fan-out its newest messages are in its own
    /// timeline, seen no further than <paramref name="readThrough"/> (where a cursor stands) if given.
    /// </summary>
    public async Task<ConversationSummary> Summary(string conversationId, ConversationIndexEntry entry, long? readThrough = null)
    {
        if (entry.Fanout != FanoutMode.Read) return ConversationIndex.Summary(conversationId, entry);
        var bound = Math.Min(readThrough ?? long.MaxValue, await ReadableThrough(conversationId, entry));
        var before = bound == long.MaxValue ? long.MaxValue : bound + 1;
        var newest = (await conversations.ReadBeforeAsync(conversationId, before, 1)).Select(e => MessageCodec.ToMessage(conversationId, e)).ToList();
        // The newest is a message: it is the preview, and only the unread entries before it matter
        // (none more to read for the common row of one new message). It is a change: the preview
        // is further back.
        var scan = newest.Count == 0 ? 0 : newest[0].Type is null ? (int)Math.Clamp(newest[0].Seq - entry.ReadSeq, 1, RowScan) : RowScan;
        if (scan > 1)
            newest = (await conversations.ReadBeforeAsync(conversationId, before, scan)).Select(e => MessageCodec.ToMessage(conversationId, e)).ToList();
        return ConversationIndex.Summary(conversationId, entry, newest);
    }

    /// <summary>Every conversation's row, in list order.</summary>
    public async Task<IReadOnlyList<ConversationSummary>> Snapshot(IReadOnlyDictionary<string, long>? readThrough = null)
    {
        var rows = new List<ConversationSummary>(index.Count);
        foreach (var (id, entry) in index.Entries.ToList())
            rows.Add(await Summary(id, entry, readThrough is not null && readThrough.TryGetValue(id, out var at) ? at : null));
        return index.Ordered(rows);
    }
}
