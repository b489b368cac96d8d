using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>Who sent a conversation's newest seqs, as its receipts ask, without a cluster.</summary>
public sealed class RecentSendersTests
{
    private static ChatMessage Stored(long seq, string sender) => new("c", seq, sender, $"m{seq}", DateTimeOffset.UnixEpoch, "hi");

    [Fact]
    public void Seqs_stored_since_the_start_are_known_and_nothing_before_it()
    {
        var senders = new RecentSenders();
        senders.Start(10);
        senders.Stored([Stored(11, "alice"), Stored(12, "bob")]);
        senders.Stored([Stored(13, "alice")]);

        Assert.Equal([new SentBy(12, "bob"), new SentBy(13, "alice")], senders.Between(11, 13));
        Assert.Equal([new SentBy(11, "alice")], senders.Between(10, 11));
        Assert.Null(senders.Between(9, 13));
        // Past the head there is nothing yet: the answer stops at what is stored.
        Assert.Equal([new SentBy(13, "alice")], senders.Between(12, 20));
        Assert.Empty(senders.Between(13, 20)!);
    }

    [Fact]
    public void Only_the_newest_capacity_seqs_are_kept()
    {
        var senders = new RecentSenders();
        senders.Start(0);
        var count = RecentSenders.Capacity + 10;
        senders.Stored(Enumerable.Range(1, count).Select(i => Stored(i, $"u{i % 3}")));

        Assert.Null(senders.Between(9, count));
        var kept = senders.Between(10, count)!;
        Assert.Equal(RecentSenders.Capacity, kept.Count);
        Assert.Equal(new SentBy(11, "u2"), kept[0]);
        Assert.Equal(new SentBy(count, $"u{count % 3}"), kept[^1]);
    }

    [Fact]
    public void A_gap_makes_what_came_before_it_unknown()
    {
        var senders = new RecentSenders();
        senders.Start(0);
        senders.Stored([Stored(1, "alice"), Stored(3, "bob")]);

        Assert.Null(senders.Between(0, 3));
        Assert.Equal([new SentBy(3, "bob")], senders.Between(2, 3));
    }
}
