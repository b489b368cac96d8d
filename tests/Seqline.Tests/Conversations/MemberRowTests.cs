using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>
/// A member row on its own: who is owed which seq, and how far the user's inbox may read the
/// conversation's timeline while notices are still on their way.
/// </summary>
public sealed class MemberRowTests
{
    [Fact]
    public void An_inbox_reads_nothing_from_a_removal_it_has_not_been_told_of()
    {
        var row = MemberRow.Settled("ann").Change(joins: false, since: 5);
        Assert.Equal(4, row.ReadableThrough);
        Assert.True(row.IsMemberAt(4));
        Assert.False(row.IsMemberAt(5));
    }

    [Fact]
    public void A_join_not_told_yet_and_then_undone_lets_the_inbox_read_nothing_from_the_removal()
    {
        // Created with ann, then ann removed before any message, the join's call having failed:
        // it may still have landed, so ann's inbox may know the conversation and read its timeline.
        var row = new MemberRow("ann", true, [new MembershipTransition(true, 1)]).Change(joins: false, since: 1);

        Assert.Equal(0, row.ReadableThrough);
        Assert.False(row.IsMemberAt(1));
    }

    [Fact]
    public void A_removal_and_a_join_again_keep_the_inbox_before_the_removal_until_both_are_told()
    {
        var row = MemberRow.Settled("ann").Change(joins: false, since: 3).Change(joins: true, since: 7);
        Assert.Equal(2, row.ReadableThrough);
        Assert.Equal([true, false, false, true], new long[] { 2, 3, 6, 7 }.Select(row.IsMemberAt));

        var told = row.Told();
        Assert.Equal(long.MaxValue, told.ReadableThrough);
    }

    [Fact]
    public void A_row_survives_its_stored_form()
    {
        var row = new MemberRow("ann", false, [new MembershipTransition(true, 1), new MembershipTransition(false, 4)], Behind: 2, OwedRecalls: [1]);
        var back = MemberRow.From(row.ToRow());
        Assert.Equal((row.UserId, row.IsMember, row.Behind), (back.UserId, back.IsMember, back.Behind));
        Assert.Equal(row.Untold, back.Untold);
        Assert.Equal(row.Recalls, back.Recalls);
    }

    [Fact]
    public void A_join_keeps_its_seq_for_seniority_and_the_stored_form_keeps_it()
    {
        var row = new MemberRow("ann", false, []).Change(joins: true, since: 7);
        Assert.Equal(7, row.JoinedAt);
        Assert.Equal(7, row.Change(joins: false, since: 9).JoinedAt);
        Assert.Equal(12, row.Change(joins: false, since: 9).Change(joins: true, since: 12).JoinedAt);
        Assert.Equal(row, MemberRow.From(row.ToRow()));
    }

    [Fact]
    public void A_row_stored_before_joins_were_kept_reads_as_the_longest_standing()
    {
        // Format 2: flags, behind, the untold changes (one join at 4) and no recalls.
        byte[] stored = [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var row = MemberRow.From(new Seqline.Storage.Rows.Row("ann", stored));
        Assert.Equal(new MemberRow("ann", true, [new MembershipTransition(true, 4)]), row);
        Assert.Equal(0, row.JoinedAt);
    }
}
