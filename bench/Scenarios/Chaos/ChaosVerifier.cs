using System.Text.Json;
using Seqline.Timelines;

namespace Seqline.Bench.Scenarios.Chaos;

/// <summary>What storage holds after the chaos, checked against what the senders were told.</summary>
public sealed record ChaosCheck
{
    /// <summary>Acknowledged, but not in the conversation's timeline.</summary>
    public long Lost { get; init; }

    /// <summary>Extra copies of a (sender, clientMsgId) in a conversation's timeline.</summary>
    public long Duplicated { get; init; }

    /// <summary>Conversation timelines whose seqs are not exactly 1..N.</summary>
    public long SeqGaps { get; init; }

    /// <summary>Acknowledged at one seq, stored at another.</summary>
    public long AckSeqMismatches { get; init; }

    /// <summary>Stored messages nobody sent (should be impossible).</summary>
    public long Phantoms { get; init; }

    /// <summary>Never acknowledged (the sender gave up), but stored: allowed, a retry would have returned it.</summary>
    public long LandedUnacknowledged { get; init; }

    public long StoredMessages { get; init; }

    /// <summary>(member, conversation) pairs whose inbox lacks some of the conversation's messages.</summary>
    public long InboxMissing { get; init; }

    /// <summary>Extra copies of a message in an inbox.</summary>
    public long InboxDuplicated { get; init; }

    /// <summary>(member, conversation) pairs whose inbox has the conversation's messages out of seq order.</summary>
    public long InboxOutOfOrder { get; init; }

    /// <summary>Inbox timelines whose own seqs are not exactly 1..N.</summary>
    public long InboxSeqGaps { get; init; }

    public long InboxEvents { get; init; }

    public bool Clean => Lost == 0 && Duplicated == 0 && SeqGaps == 0 && AckSeqMismatches == 0 && Phantoms == 0
        && InboxMissing == 0 && InboxDuplicated == 0 && InboxOutOfOrder == 0 && InboxSeqGaps == 0;
}

/// <summary>Reads the cluster's timelines through the product's own timeline store, and decodes the stored JSON.</summary>
internal sealed class ChaosVerifier(ITimelineStore conversations, ITimelineStore inboxes)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ITimelineStore _conversations = conversations;
    private readonly ITimelineStore _inboxes = inboxes;

    /// <summary>Whether every member's inbox holds as many events as its conversations hold messages.</summary>
    public async Task<bool> InboxesCaughtUpAsync(IReadOnlyDictionary<string, string[]> membersOf)
    {
        var heads = new Dictionary<string, long>();
        foreach (var conversation in membersOf.Keys) heads[conversation] = (await _conversations.GetHeadAsync(conversation)).LastSeq;
        foreach (var user in membersOf.Values.SelectMany(m => m).Distinct())
        {
            var expected = membersOf.Where(c => c.Value.Contains(user)).Sum(c => heads[c.Key]);
            if ((await _inboxes.GetHeadAsync(user)).LastSeq < expected) return false;
        }
        return true;
    }

    public async Task<ChaosCheck> CheckAsync(IReadOnlyDictionary<string, string[]> membersOf, IReadOnlyCollection<SentMessage> sent)
    {
        long lost = 0, duplicated = 0, gaps = 0, mismatches = 0, phantoms = 0, landed = 0, stored = 0;
        var heads = new Dictionary<string, long>();
        var sentById = sent.ToDictionary(m => (m.ConversationId, m.SenderId, m.ClientMsgId));
        foreach (var conversation in membersOf.Keys)
        {
            var entries = await ReadAllAsync(_conversations, conversation);
            heads[conversation] = entries.Count == 0 ? 0 : entries[^1].Seq;
            stored += entries.Count;
            if (!entries.Select(e => e.Seq).SequenceEqual(Enumerable.Range(1, entries.Count).Select(i => (long)i))) gaps++;
            var messages = entries.Select(e => (e.Seq, Message: JsonSerializer.Deserialize<StoredMessage>(e.Payload, Json)!)).ToList();
            var copies = messages.GroupBy(m => (m.Message.SenderId, m.Message.ClientMsgId)).ToDictionary(g => g.Key, g => g.Select(m => m.Seq).ToList());
            duplicated += copies.Values.Sum(seqs => seqs.Count - 1);
            foreach (var key in copies.Keys)
            {
                if (!sentById.TryGetValue((conversation, key.SenderId, key.ClientMsgId), out var message)) phantoms++;
                else if (message.AckedSeq is null) landed++;
            }
            foreach (var message in sent.Where(m => m.ConversationId == conversation && m.AckedSeq is not null))
            {
                if (!copies.TryGetValue((message.SenderId, message.ClientMsgId), out var seqs)) lost++;
                else if (!seqs.Contains(message.AckedSeq!.Value)) mismatches++;
            }
        }

        long missing = 0, inboxDuplicated = 0, outOfOrder = 0, inboxGaps = 0, events = 0;
        foreach (var user in membersOf.Values.SelectMany(m => m).Distinct())
        {
            var entries = await ReadAllAsync(_inboxes, user);
            events += entries.Count;
            if (!entries.Select(e => e.Seq).SequenceEqual(Enumerable.Range(1, entries.Count).Select(i => (long)i))) inboxGaps++;
            var messageEvents = entries.Select(e => JsonSerializer.Deserialize<StoredEvent>(e.Payload, Json)!).Where(e => e.Type == "message").ToList();
            foreach (var conversation in membersOf.Where(c => c.Value.Contains(user)).Select(c => c.Key))
            {
                var seqs = messageEvents.Where(e => e.ConversationId == conversation).Select(e => e.Seq).ToList();
                var distinct = seqs.Distinct().Count();
                inboxDuplicated += seqs.Count - distinct;
                if (distinct < heads[conversation] || seqs.Any(s => s < 1 || s > heads[conversation])) missing++;
                if (!seqs.SequenceEqual(seqs.Order())) outOfOrder++;
            }
        }

        return new ChaosCheck
        {
            Lost = lost,
            Duplicated = duplicated,
            SeqGaps = gaps,
            AckSeqMismatches = mismatches,
            Phantoms = phantoms,
            LandedUnacknowledged = landed,
            StoredMessages = stored,
            InboxMissing = missing,
            InboxDuplicated = inboxDuplicated,
            InboxOutOfOrder = outOfOrder,
            InboxSeqGaps = inboxGaps,
            InboxEvents = events,
        };
    }

    private static async Task<List<TimelineEntry>> ReadAllAsync(ITimelineStore store, string timeline)
    {
        var all = new List<TimelineEntry>();
        for (long after = 0; ;)
        {
            var page = await store.ReadAfterAsync(timeline, after, 1000);
            if (page.Count == 0) return all;
            all.AddRange(page);
            after = page[^1].Seq;
        }
    }

    // The stored JSON of the timelines (Grains/Conversations/MessageCodec.cs writes it; camelCase).
    private sealed record StoredMessage(string SenderId, string ClientMsgId, string Body);

    private sealed record StoredEvent(string Type, string ConversationId, long Seq, string? SenderId, string? ClientMsgId);
}
