using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>
/// What the catch-up of one inbox behind does next (<see cref="FanoutPlan.StragglerNext"/>), and
/// how long a fan-out loop waits between tries, on their own, no cluster.
/// </summary>
public sealed class StragglerPlanTests
{
    private static readonly FanoutModes WriteOnly = new([new FanoutChange(1, FanoutMode.Write)]);

    [Fact]
    public void A_member_behind_gets_the_next_batch_from_the_timeline()
    {
        var step = Assert.IsType<DeliverBatch>(FanoutPlan.StragglerNext(new MemberRow("ann", true, [], Behind: 10), fannedOutThrough: 100, WriteOnly, batchSize: 25));
        Assert.Equal((11L, 35L, FanoutMode.Write, (FanoutChange?)null), (step.From, step.Through, step.Mode, step.Switch));
        Assert.Equal(["ann"], step.Recipients);
    }

    [Fact]
    public void A_batch_stops_short_of_an_untold_removal_which_is_told_once_everything_before_it_is_in()
    {
        var leaves = new MembershipTransition(false, 15);
        var row = new MemberRow("ann", false, [leaves], Behind: 10);

        var batch = Assert.IsType<DeliverBatch>(FanoutPlan.StragglerNext(row, 100, WriteOnly, 25));
        Assert.Equal((11L, 14L), (batch.From, batch.Through));
        var notice = Assert.IsType<TellNotices>(FanoutPlan.StragglerNext(row with { Behind = 14 }, 100, WriteOnly, 25));
        Assert.Equal(leaves, Assert.Single(notice.Notices).Change);
    }

    [Fact]
    public void A_batch_stops_short_of_a_mode_switch()
    {
        var modes = new FanoutModes([new FanoutChange(1, FanoutMode.Write), new FanoutChange(20, FanoutMode.Read)]);
        var batch = Assert.IsType<DeliverBatch>(FanoutPlan.StragglerNext(new MemberRow("ann", true, [], Behind: 10), 100, modes, 25));
        Assert.Equal((11L, 19L, FanoutMode.Write), (batch.From, batch.Through, batch.Mode));
        var next = Assert.IsType<DeliverBatch>(FanoutPlan.StragglerNext(new MemberRow("ann", true, [], Behind: 19), 100, modes, 25));
        Assert.Equal((20L, FanoutMode.Read), (next.From, next.Mode));
        Assert.NotNull(next.Switch);
    }

    [Fact]
    public void A_join_is_told_at_once_and_seqs_before_it_are_skipped()
    {
        var joins = new MembershipTransition(true, 40);
        var row = new MemberRow("ann", true, [joins], Behind: 10);
        Assert.Equal(joins, Assert.Single(Assert.IsType<TellNotices>(FanoutPlan.StragglerNext(row, 100, WriteOnly, 25)).Notices).Change);

        // A removed user with nothing untold is owed nothing more: skip to where the fan-out is.
        Assert.Equal(new SkipTo(100), FanoutPlan.StragglerNext(new MemberRow("bob", false, [], Behind: 10, OwedRecalls: [3]), 100, WriteOnly, 25));
    }

    [Fact]
    public void Where_the_fan_out_stands_an_inbox_gets_its_owed_recalls_then_is_caught_up()
    {
        Assert.Equal([3L, 5], Assert.IsType<DeliverRecalls>(FanoutPlan.StragglerNext(new MemberRow("ann", true, [], Behind: 100, OwedRecalls: [3, 5]), 100, WriteOnly, 25)).Seqs);
        Assert.IsType<CaughtUp>(FanoutPlan.StragglerNext(new MemberRow("ann", true, [], Behind: 100), 100, WriteOnly, 25));
    }

    [Fact]
    public void Retries_wait_from_a_tenth_of_a_second_doubling_up_to_the_most()
    {
        var max = TimeSpan.FromSeconds(30);
        Assert.Equal([100.0, 200, 400, 800], Enumerable.Range(1, 4).Select(a => FanoutPlan.RetryDelay(a, max).TotalMilliseconds));
        Assert.Equal(max, FanoutPlan.RetryDelay(20, max));
        Assert.Equal(max, FanoutPlan.RetryDelay(int.MaxValue, max));
    }
}
