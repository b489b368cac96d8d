using Seqline.Conversations;
using Seqline.Inboxes;

namespace Seqline.Tests.Inboxes;

/// <summary>
/// Live push positions on their own: what a stream batch pushes, where a gap makes devices pull,
/// and what the inbox's own events start and end, as a pull would cross them.
/// </summary>
public sealed class LiveFollowerTests
{
    private const string Me = "ann";
    private const string Big = "c-big";

    private static ChatMessage Message(long seq) => new(Big, seq, "bob", $"m{seq}", DateTimeOffset.UnixEpoch, "x");

    private static ConversationMessages Batch(params long[] seqs) => new(Big, seqs.Select(Message).ToList());

    private static LiveFollower FollowingAt(long seq)
    {
        var live = new LiveFollower(Me);
        live.Start([KeyValuePair.Create(Big, seq)]);
        return live;
    }

    [Fact]
    public void A_batch_pushes_what_follows_the_position_and_moves_it()
    {
        var live = FollowingAt(3);

        Assert.Equal([4L, 5], live.Take(Batch(2, 3, 4, 5))!.Select(m => m.Seq));
        Assert.Equal(5, live.Heads[Big]);
        Assert.Empty(live.Take(Batch(4, 5))!);
    }

    [Fact]
    public void A_batch_after_a_gap_pushes_nothing_and_moves_the_position_so_devices_pull()
    {
        var live = FollowingAt(3);

        Assert.Null(live.Take(Batch(6, 7)));
        Assert.Equal(7, live.Heads[Big]);
        Assert.Equal([8L], live.Take(Batch(8))!.Select(m => m.Seq));
    }

    [Fact]
    public void Nothing_at_or_after_a_removal_not_told_yet_is_pushed()
    {
        var live = FollowingAt(3);
        var batch = new ConversationMessages(Big, [Message(4), Message(5)], new Dictionary<string, long> { [Me] = 4 });

        Assert.Equal([4L], live.Take(batch)!.Select(m => m.Seq));
        Assert.Empty(live.Take(new ConversationMessages(Big, [Message(5)], new Dictionary<string, long> { [Me] = 4 }))!);
    }

    [Fact]
    public void A_batch_of_a_conversation_not_followed_pushes_nothing()
    {
        var live = new LiveFollower(Me);
        Assert.Empty(live.Take(Batch(1))!);
        Assert.False(live.IsLive);
    }

    [Fact]
    public async Task Messages_and_reads_change_no_position_and_are_pushed_as_they_are()
    {
        var live = FollowingAt(3);
        IReadOnlyList<SyncEvent> events = [SyncEvent.For(Message(4)) with { ConversationId = "c-small" }, new SyncEvent(SyncEventTypes.Read, "c-small", 4)];

        var changes = await live.Cross(events, (_, _, _) => throw new InvalidOperationException("nothing is owed"));

        Assert.Equal(events, changes.Pushed);
        Assert.Empty(changes.Follow);
        Assert.Empty(changes.Unfollow);
        Assert.True(changes.Complete);
        Assert.Equal(3, live.Heads[Big]);
    }

    [Fact]
    public async Task A_switch_to_read_fan_out_starts_a_position_before_the_switch_and_a_follow()
    {
        var live = FollowingAt(0);
        live.Stop();
        live.Start([]);

        var changes = await live.Cross([new SyncEvent(SyncEventTypes.Fanout, Big, 10, Fanout: FanoutMode.Read)], (_, _, _) => throw new InvalidOperationException("nothing is owed"));

        Assert.Equal([Big], changes.Follow);
        Assert.Equal(9, live.Heads[Big]);
        Assert.True(changes.Complete);
    }

    [Fact]
    public async Task A_removal_pushes_what_the_conversation_owed_up_to_it_then_the_left_event_and_unfollows()
    {
        var live = FollowingAt(3);
        (long After, long Through)? asked = null;

        var changes = await live.Cross([new SyncEvent(SyncEventTypes.Left, Big, 5)], (_, after, through) =>
        {
            asked = (after, through);
            return Task.FromResult<IReadOnlyList<ChatMessage>?>([Message(4), Message(5)]);
        });

        Assert.Equal((3L, 5L), asked);
        Assert.Equal([(SyncEventTypes.Message, 4L), (SyncEventTypes.Message, 5L), (SyncEventTypes.Left, 5L)], changes.Pushed.Select(e => (e.Type, e.Seq)));
        Assert.Equal([Big], changes.Unfollow);
        Assert.False(live.Heads.ContainsKey(Big));
    }

    [Fact]
    public async Task A_switch_back_that_cannot_read_what_was_owed_is_incomplete_so_devices_pull()
    {
        var live = FollowingAt(3);

        var changes = await live.Cross([new SyncEvent(SyncEventTypes.Fanout, Big, 8, Fanout: FanoutMode.Write)], (_, after, through) =>
        {
            Assert.Equal((3L, 7L), (after, through));
            return Task.FromResult<IReadOnlyList<ChatMessage>?>(null);
        });

        Assert.False(changes.Complete);
        Assert.Equal([Big], changes.Unfollow);
    }

    [Fact]
    public async Task A_switch_to_read_fan_out_while_following_already_keeps_the_position()
    {
        var live = FollowingAt(3);

        await live.Cross([new SyncEvent(SyncEventTypes.Fanout, Big, 8, Fanout: FanoutMode.Read)], (_, _, _) => throw new InvalidOperationException("nothing is owed"));

        Assert.Equal(3, live.Heads[Big]);
        Assert.Equal([4L, 5, 6, 7, 8], live.Take(Batch(4, 5, 6, 7, 8))!.Select(m => m.Seq));
    }
}
