using Seqline.Inboxes;
using Seqline.Receipts;

namespace Seqline.Tests.Receipts;

/// <summary>How an inbox merges the receipts notices of a user's conversations into one hand-over per pace, without a cluster.</summary>
public sealed class PendingReceiptsTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BusyInterval = TimeSpan.FromSeconds(8);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ReceiptsNotice Notice(string conversationId, params MemberReceipt[] members) => new(conversationId, members);

    [Fact]
    public void A_notice_after_a_quiet_pace_goes_at_once_and_those_within_the_pace_go_together_at_its_end()
    {
        var pending = new PendingReceipts(Interval, BusyInterval);
        Assert.Equal(TimeSpan.Zero, pending.Add(Notice("d1", new MemberReceipt("bob", 1, 1)), T0));
        Assert.Equal(["d1"], pending.Take(T0).Select(n => n.ConversationId));

        // Two conversations within the pace: one hand-over at its end, with both.
        Assert.Equal(TimeSpan.FromMilliseconds(1500), pending.Add(Notice("g1", new MemberReceipt("carol", 2, 2)), T0.AddMilliseconds(500)));
        Assert.Null(pending.Add(Notice("d2", new MemberReceipt("dave", null, 3)), T0.AddMilliseconds(900)));
        Assert.Equal(2, pending.Count);
        var batch = pending.Take(T0.AddSeconds(2));
        Assert.Equal(["g1", "d2"], batch.Select(n => n.ConversationId));
        Assert.Equal(0, pending.Count);
        Assert.Empty(pending.Take(T0.AddSeconds(2)));
    }

    [Fact]
    public void Two_notices_of_one_conversation_merge_into_each_members_newest_positions()
    {
        var pending = new PendingReceipts(Interval, BusyInterval);
        pending.Take(T0);

        pending.Add(Notice("g1", new MemberReceipt("bob", 1, 2), new MemberReceipt("carol", 1, 1)), T0.AddMilliseconds(100));
        // Bob has since stopped sharing his read position: the later notice's null stands.
        pending.Add(Notice("g1", new MemberReceipt("bob", null, 5)), T0.AddMilliseconds(200));

        var notice = Assert.Single(pending.Take(T0.AddSeconds(2)));
        Assert.Equal([new MemberReceipt("bob", null, 5), new MemberReceipt("carol", 1, 1)], notice.Members.OrderBy(m => m.UserId));
    }

    [Fact]
    public void While_notices_keep_coming_the_pace_doubles_up_to_the_busy_interval_and_a_quiet_pace_brings_it_back()
    {
        var pending = new PendingReceipts(Interval, BusyInterval);
        var now = T0;
        pending.Add(Notice("d1"), now);
        pending.Take(now);

        // A notice one second into each pace waits for its end; each wait doubles the next pace.
        foreach (var expected in new[] { 1, 3, 7, 7 })
        {
            now = now.AddSeconds(1);
            Assert.Equal(TimeSpan.FromSeconds(expected), pending.Add(Notice("d1"), now));
            now = now.AddSeconds(expected);
            pending.Take(now);
        }

        // A whole busy interval without one: the next goes at once again.
        Assert.Equal(TimeSpan.Zero, pending.Add(Notice("d1"), now.AddSeconds(8)));
    }

    [Fact]
    public void Notices_ride_on_a_push_before_their_hand_over_which_then_finds_only_what_came_since()
    {
        var pending = new PendingReceipts(Interval, BusyInterval);
        pending.Add(Notice("d1"), T0);
        pending.Take(T0);
        Assert.Null(pending.Ride());

        // Two conversations wait for the pace's end; a push to the user takes both along.
        Assert.Equal(TimeSpan.FromMilliseconds(1500), pending.Add(Notice("g1", new MemberReceipt("carol", 2, 2)), T0.AddMilliseconds(500)));
        Assert.Null(pending.Add(Notice("d2", new MemberReceipt("dave", null, 3)), T0.AddMilliseconds(600)));
        Assert.Equal(["g1", "d2"], pending.Ride()!.Select(n => n.ConversationId));
        Assert.Null(pending.Ride());

        // The hand-over is still scheduled (a new notice schedules none) and takes only what came since.
        Assert.Null(pending.Add(Notice("g1", new MemberReceipt("carol", 4, 4)), T0.AddMilliseconds(900)));
        var since = Assert.Single(pending.Take(T0.AddSeconds(2)));
        Assert.Equal([new MemberReceipt("carol", 4, 4)], since.Members);

        // The pace counts from that hand-over, not from the ride: the next notice within it waits.
        Assert.Equal(TimeSpan.FromSeconds(4), pending.Add(Notice("d2"), T0.AddSeconds(2)));
    }
}
