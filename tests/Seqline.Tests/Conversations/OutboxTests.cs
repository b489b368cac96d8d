using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>
/// The outbox holds at most its capacity of the messages waiting for fan-out, contiguous from the
/// fan-out watermark; what does not fit stays in the timeline and is read back as room frees.
/// </summary>
public sealed class OutboxTests
{
    [Fact]
    public void It_takes_messages_that_follow_on_until_it_is_full()
    {
        var outbox = new Outbox(capacity: 5);
        outbox.Add(Messages(1, 8), watermark: 0);

        Assert.Equal(5, outbox.Count);
        Assert.Equal(5, outbox.EndOr(0));
        Assert.True(outbox.Holds(1) && outbox.Holds(5));
        Assert.False(outbox.Holds(6));
        Assert.Equal(0, outbox.RoomFor(watermark: 0, head: 8));
    }

    [Fact]
    public void It_takes_nothing_that_leaves_a_gap()
    {
        var outbox = new Outbox(capacity: 5);
        outbox.Add(Messages(3, 4), watermark: 1);
        Assert.Equal(0, outbox.Count);
        Assert.Equal(1, outbox.EndOr(1));

        outbox.Add(Messages(2, 3), watermark: 1);
        outbox.Add(Messages(5, 5), watermark: 1);
        Assert.Equal([2L, 3], outbox.Range(1, 10).Select(m => m.Seq));
    }

    [Fact]
    public void Room_freed_by_fan_out_is_refilled_from_where_it_ends()
    {
        var outbox = new Outbox(capacity: 5);
        outbox.Add(Messages(1, 5), watermark: 0);
        outbox.DropThrough(3);

        Assert.Equal([4L, 5], outbox.Range(1, 10).Select(m => m.Seq));
        // Three places free, and eight messages stored: three to read after 5.
        Assert.Equal(3, outbox.RoomFor(watermark: 3, head: 8));
        outbox.Add(Messages(6, 9), watermark: 3);
        Assert.Equal([4L, 5, 6, 7, 8], outbox.Range(1, 10).Select(m => m.Seq));
        Assert.Equal([5L, 6, 7], outbox.Range(5, 7).Select(m => m.Seq));
    }

    [Fact]
    public void An_empty_outbox_reads_no_further_than_the_head()
    {
        var outbox = new Outbox(capacity: 5);
        Assert.Equal(2, outbox.RoomFor(watermark: 10, head: 12));
        Assert.Equal(0, outbox.RoomFor(watermark: 12, head: 12));
        Assert.False(outbox.Holds(11));
    }

    [Fact]
    public void A_recalled_message_still_to_go_out_goes_as_its_tombstone()
    {
        var outbox = new Outbox(capacity: 5);
        outbox.Add(Messages(1, 3), watermark: 0);
        outbox.Replace(Messages(2, 2)[0] with { Body = "", Recalled = true });
        outbox.Replace(Messages(7, 7)[0] with { Body = "", Recalled = true });

        Assert.Equal([false, true, false], outbox.Range(1, 3).Select(m => m.Recalled));
        Assert.Equal(3, outbox.Count);
    }

    private static List<ChatMessage> Messages(long from, long through) =>
        Enumerable.Range((int)from, (int)(through - from + 1))
            .Select(seq => new ChatMessage("c-outbox", seq, "alice", $"m{seq}", DateTimeOffset.UnixEpoch, $"message {seq}"))
            .ToList();
}
