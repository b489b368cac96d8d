using Seqline.Conversations;
using Seqline.Inboxes;

namespace Seqline.Tests.Inboxes;

/// <summary>
/// The merged pull on its own, over timelines in memory: the sync timeline first, then read-fan-out
/// conversations, within the limit and the head, crossing switches and removals exactly once.
/// </summary>
public sealed class SyncReaderTests
{
    private const string Big = "c-big";
    private const string Small = "c-small";

    private sealed class Sources : ISyncSources
    {
        public List<SyncEvent> Inbox { get; } = [];
        public Dictionary<string, List<long>> Conversations { get; } = [];
        public HashSet<string> Members { get; } = [];
        public Dictionary<string, long> Readable { get; } = [];
        public int ConversationReads { get; private set; }

        public Task<IReadOnlyList<(long Position, SyncEvent Event)>> ReadInbox(long after, int limit) =>
            Task.FromResult<IReadOnlyList<(long, SyncEvent)>>(Inbox.Select((e, i) => ((long)i + 1, e)).Where(p => p.Item1 > after).Take(limit).ToList());

        public Task<IReadOnlyList<ChatMessage>> ReadConversation(string conversationId, long after, int limit)
        {
            ConversationReads++;
            return Task.FromResult<IReadOnlyList<ChatMessage>>(Conversations.GetValueOrDefault(conversationId, []).Where(seq => seq > after).Take(limit)
                .Select(seq => new ChatMessage(conversationId, seq, "bob", $"m{seq}", DateTimeOffset.UnixEpoch, "x")).ToList());
        }

        public bool IsMember(string conversationId) => Members.Contains(conversationId);

        public Task<long> ReadableThrough(string conversationId) => Task.FromResult(Readable.GetValueOrDefault(conversationId, long.MaxValue));
    }

    private static SyncEvent Message(string conversation, long seq) => SyncEvent.For(new ChatMessage(conversation, seq, "bob", $"m{seq}", DateTimeOffset.UnixEpoch, "x"));

    private static IEnumerable<(string, string, long)> Shape(SyncPull page) => page.Events.Select(e => (e.Type, e.ConversationId, e.Seq));

    private static Sources ReadFanoutFrom(long since, params long[] stored)
    {
        var sources = new Sources();
        sources.Inbox.Add(new SyncEvent(SyncEventTypes.Joined, Small, 1));
        sources.Inbox.Add(Message(Small, 1));
        sources.Inbox.Add(new SyncEvent(SyncEventTypes.Joined, Big, since, Fanout: FanoutMode.Read));
        sources.Conversations[Big] = stored.ToList();
        sources.Members.UnionWith([Small, Big]);
        return sources;
    }

    [Fact]
    public async Task The_sync_timeline_comes_first_then_read_fan_out_conversations_from_their_switch()
    {
        var sources = ReadFanoutFrom(since: 3, 1, 2, 3, 4);

        var page = await new SyncReader(sources).Pull(0, new Dictionary<string, long>(), head: 3, limit: 100);

        Assert.Equal([(SyncEventTypes.Joined, Small, 1L), (SyncEventTypes.Message, Small, 1L), (SyncEventTypes.Joined, Big, 3L),
            (SyncEventTypes.Message, Big, 3L), (SyncEventTypes.Message, Big, 4L)], Shape(page));
        Assert.Equal((3L, 4L, false), (page.Position, page.ReadPositions[Big], page.HasMore));
    }

    [Fact]
    public async Task Pages_within_the_limit_add_up_to_everything_once()
    {
        var sources = ReadFanoutFrom(since: 1, 1, 2, 3, 4, 5, 6, 7);
        var (position, reading) = (0L, (IReadOnlyDictionary<string, long>)new Dictionary<string, long>());
        var all = new List<(string, string, long)>();
        for (var pages = 0; pages < 20; pages++)
        {
            var page = await new SyncReader(sources).Pull(position, reading, head: 3, limit: 2);
            Assert.InRange(page.Events.Count, 0, 2);
            all.AddRange(Shape(page));
            (position, reading) = (page.Position, page.ReadPositions);
            if (!page.HasMore) break;
        }

        Assert.Equal(3 + 7, all.Count);
        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], all.Where(e => e.Item2 == Big && e.Item1 == SyncEventTypes.Message).Select(e => e.Item3));
    }

    [Fact]
    public async Task Nothing_past_the_head_is_read_even_when_the_timeline_holds_more()
    {
        var sources = ReadFanoutFrom(since: 1);
        sources.Inbox.Add(Message(Small, 2)); // appended, outcome unknown: past the head

        var page = await new SyncReader(sources).Pull(0, new Dictionary<string, long>(), head: 3, limit: 100);

        Assert.Equal(3, page.Events.Count);
        Assert.Equal(3, page.Position);
    }

    [Fact]
    public async Task A_switch_back_drains_the_conversation_up_to_the_switch_before_moving_past_it()
    {
        var sources = ReadFanoutFrom(since: 1, 1, 2, 3);
        sources.Inbox.Add(new SyncEvent(SyncEventTypes.Fanout, Big, 4, Fanout: FanoutMode.Write));
        sources.Inbox.Add(Message(Big, 4));

        var page = await new SyncReader(sources).Pull(3, new Dictionary<string, long> { [Big] = 1 }, head: 5, limit: 100);

        Assert.Equal([(SyncEventTypes.Message, Big, 2L), (SyncEventTypes.Message, Big, 3L), (SyncEventTypes.Fanout, Big, 4L), (SyncEventTypes.Message, Big, 4L)], Shape(page));
        Assert.False(page.ReadPositions.ContainsKey(Big));
    }

    [Fact]
    public async Task A_drain_cut_by_the_limit_stops_before_the_switch_and_goes_on_next_page()
    {
        var sources = ReadFanoutFrom(since: 1, 1, 2, 3);
        sources.Inbox.Add(new SyncEvent(SyncEventTypes.Left, Big, 3));

        var first = await new SyncReader(sources).Pull(3, new Dictionary<string, long> { [Big] = 0 }, head: 4, limit: 2);
        Assert.Equal([(SyncEventTypes.Message, Big, 1L), (SyncEventTypes.Message, Big, 2L)], Shape(first));
        Assert.True(first.HasMore);
        Assert.Equal(3, first.Position);

        var second = await new SyncReader(sources).Pull(first.Position, first.ReadPositions, head: 4, limit: 2);
        Assert.Equal([(SyncEventTypes.Message, Big, 3L), (SyncEventTypes.Left, Big, 3L)], Shape(second));
    }

    [Fact]
    public async Task An_open_read_stops_at_what_the_user_may_read()
    {
        var sources = ReadFanoutFrom(since: 1, 1, 2, 3, 4);
        sources.Readable[Big] = 2; // removed at 3, not told yet

        var page = await new SyncReader(sources).Pull(3, new Dictionary<string, long> { [Big] = 0 }, head: 3, limit: 100);

        Assert.Equal([1L, 2], page.Events.Select(e => e.Seq));
        Assert.Equal(2, page.ReadPositions[Big]);
    }

    [Fact]
    public async Task A_position_for_a_conversation_the_user_is_no_longer_in_is_dropped_unread()
    {
        var sources = ReadFanoutFrom(since: 1, 1, 2);
        sources.Members.Remove(Big);

        var page = await new SyncReader(sources).Pull(3, new Dictionary<string, long> { [Big] = 0 }, head: 3, limit: 100);

        Assert.Empty(page.Events);
        Assert.Empty(page.ReadPositions);
        Assert.Equal(0, sources.ConversationReads);
    }

    [Fact]
    public async Task A_removal_drains_a_position_kept_under_the_unknown_key_of_a_conversation_left()
    {
        var sources = ReadFanoutFrom(since: 1, 1, 2);
        sources.Inbox.Add(new SyncEvent(SyncEventTypes.Left, Big, 2));
        sources.Members.Remove(Big);

        var page = await new SyncReader(sources).Pull(3, new Dictionary<string, long> { [SyncCursorCodec.UnknownKeyOf(Big)] = 1 }, head: 4, limit: 100);

        Assert.Equal([(SyncEventTypes.Message, Big, 2L), (SyncEventTypes.Left, Big, 2L)], Shape(page));
        Assert.Empty(page.ReadPositions);
    }

    [Fact]
    public async Task A_switch_to_read_fan_out_while_reading_already_keeps_the_position()
    {
        // Switched to write and back to read at 8 with no message between: the inbox is told only
        // the second switch, and must not skip what it has not read yet.
        var sources = ReadFanoutFrom(since: 1, 1, 2, 3, 4, 5, 6, 7, 8);
        sources.Inbox.Add(new SyncEvent(SyncEventTypes.Fanout, Big, 8, Fanout: FanoutMode.Read));

        var page = await new SyncReader(sources).Pull(3, new Dictionary<string, long> { [Big] = 2 }, head: 4, limit: 100);

        Assert.Equal([3L, 4, 5, 6, 7, 8], page.Events.Where(e => e.Type == SyncEventTypes.Message).Select(e => e.Seq));
    }
}
