using Seqline.Hosting;

namespace Seqline.Tests.Hosting;

public sealed class SpreadTimersTests
{
    [Fact]
    public void Grains_activated_together_first_tick_at_points_spread_over_the_second_half_of_the_period()
    {
        var period = TimeSpan.FromSeconds(10);
        var firsts = Enumerable.Range(0, 1000).Select(_ => SpreadTimers.FirstDue(period)).ToList();

        Assert.All(firsts, due => Assert.InRange(due, period / 2, period));
        // Spread, not one moment: every tenth of the half period gets some of the thousand grains.
        var buckets = firsts.Select(due => (int)Math.Min(9, (due - period / 2) / (period / 20))).Distinct().Count();
        Assert.Equal(10, buckets);
    }

    [Fact]
    public void The_period_after_the_first_tick_is_the_configured_one()
    {
        var options = SpreadTimers.Every(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromMinutes(1), options.Period);
        Assert.InRange(options.DueTime, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));
    }
}
