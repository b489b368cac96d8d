using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>
/// What a fan-out step's outcome writes into member rows, on its own, no cluster: notices told,
/// inboxes falling behind, recalls owed, and an inbox catching up moving only forward.
/// </summary>
public sealed class FanoutRowsTests
{
    private static Membership With(params MemberRow[] rows)
    {
        var membership = new Membership();
        membership.Apply(rows);
        return membership;
    }

    [Fact]
    public void A_notice_told_leaves_the_row_only_while_it_is_still_the_oldest_untold()
    {
        var join = new MembershipTransition(true, 5);
        var membership = With(new MemberRow("ann", true, [join]), new MemberRow("bob", true, [new MembershipTransition(true, 9)]));

        var rows = FanoutRows.Told(membership, [
            new Notice(membership.RowOf("ann")!, join),
            new Notice(new MemberRow("bob", true, [join]), join),
        ]).ToList();

        Assert.Equal([MemberRow.Settled("ann")], rows);
    }

    [Fact]
    public void A_join_told_to_an_inbox_behind_moves_it_to_just_before_the_join()
    {
        var join = new MembershipTransition(true, 20);
        var membership = With(new MemberRow("ann", true, [join], Behind: 3));

        var row = Assert.Single(FanoutRows.Told(membership, [new Notice(membership.RowOf("ann")!, join)]));
        Assert.Equal(19, row.Behind);
        Assert.Empty(row.Untold);
    }

    [Fact]
    public void An_inbox_in_step_that_fails_falls_behind_from_the_watermark_and_one_behind_stays_where_it_was()
    {
        var membership = With(new MemberRow("ann", true, [new MembershipTransition(false, 30)]), new MemberRow("bob", true, [], Behind: 4));

        var rows = FanoutRows.FallBehind(membership, ["ann", "bob", "nobody"], fannedOutThrough: 10).ToList();

        var ann = Assert.Single(rows);
        Assert.Equal(10, ann.Behind);
        Assert.Equal("ann", ann.UserId);
    }

    [Fact]
    public void A_recall_is_owed_to_members_behind_and_to_inboxes_in_step_that_failed_it()
    {
        var membership = With(
            new MemberRow("ann", true, [new MembershipTransition(true, 2)]),
            new MemberRow("bob", true, [], Behind: 4, OwedRecalls: [1]),
            new MemberRow("cat", false, [new MembershipTransition(false, 3)], Behind: 2),
            MemberRow.Settled("dan"));

        Assert.Equal(["ann", "dan"], FanoutRows.RecallRecipients(membership).Order());
        var rows = FanoutRows.Recalled(membership, ["dan"], [3], fannedOutThrough: 8).ToDictionary(r => r.UserId);

        Assert.Equal(["bob", "dan"], rows.Keys.Order());
        Assert.Equal([1L, 3], rows["bob"].Recalls);
        Assert.Equal(4, rows["bob"].Behind);
        Assert.Equal([3L], rows["dan"].Recalls);
        Assert.Equal(8, rows["dan"].Behind);
    }

    [Fact]
    public void Users_caught_up_keep_step_again()
    {
        var membership = With(new MemberRow("ann", true, [], Behind: 9), MemberRow.Settled("bob"));
        var rows = FanoutRows.Rejoined(membership, [new MemberRow("ann", true, [], Behind: 9), MemberRow.Settled("bob")]).ToList();
        Assert.Equal([MemberRow.Settled("ann")], rows);
    }

    [Fact]
    public void An_inbox_catching_up_moves_only_forward_and_never_past_the_watermark_on_expiry()
    {
        var row = new MemberRow("ann", true, [], Behind: 10, OwedRecalls: [4]);

        Assert.Equal(15, FanoutRows.Delivered(row, 15).Behind);
        Assert.Equal(10, FanoutRows.Delivered(row, 8).Behind);
        Assert.Equal(12, FanoutRows.Expired(row, trimmedThrough: 50, fannedOutThrough: 12).Behind);
        Assert.Equal(10, FanoutRows.Expired(row, trimmedThrough: 6, fannedOutThrough: 12).Behind);
        Assert.Equal(30, FanoutRows.Skipped(row, 30).Behind);
        Assert.Empty(FanoutRows.RecallsTold(row, [4]).Recalls);
    }

    [Fact]
    public void Recalls_told_to_an_inbox_catching_up_settle_only_those_told_not_one_owed_since()
    {
        // The catch-up told recall 4; meanwhile the fan-out recalled 7, and this inbox, behind, is owed it.
        var row = new MemberRow("ann", true, [], Behind: 10, OwedRecalls: [4, 7]);

        Assert.Equal([7L], FanoutRows.RecallsTold(row, [4]).Recalls);
    }
}
