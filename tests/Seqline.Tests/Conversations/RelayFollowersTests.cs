using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>
/// A relay hands each follower every batch in order, one after the other; a slow follower misses
/// batches past its bound without holding up the others; a follower that says it no longer follows,
/// or cannot be reached, is dropped.
/// </summary>
public sealed class RelayFollowersTests
{
    [Fact]
    public async Task Each_follower_gets_the_batches_in_order_one_after_the_other()
    {
        var followers = new RelayFollowers(maxPending: 10);
        followers.Follow("ann");
        followers.Follow("bob");
        var gates = new Dictionary<(string, int), TaskCompletionSource<bool>>();
        var received = new List<(string, int)>();
        Task<bool> Send(string user, int batch)
        {
            received.Add((user, batch));
            return (gates[(user, batch)] = new TaskCompletionSource<bool>()).Task;
        }

        for (var batch = 1; batch <= 3; batch++) followers.Relay(batch, Send);

        // Only the first batch is under way to each: the next waits for it.
        Assert.Equal([("ann", 1), ("bob", 1)], received);
        gates[("bob", 1)].SetResult(true);
        Assert.Equal([("ann", 1), ("bob", 1), ("bob", 2)], received);
        gates[("ann", 1)].SetResult(true);
        gates[("ann", 2)].SetResult(true);
        gates[("bob", 2)].SetResult(true);
        gates[("ann", 3)].SetResult(true);
        gates[("bob", 3)].SetResult(true);
        await followers.Drained();
        Assert.Equal([1, 2, 3], received.Where(r => r.Item1 == "ann").Select(r => r.Item2));
        Assert.Equal([1, 2, 3], received.Where(r => r.Item1 == "bob").Select(r => r.Item2));
        Assert.Equal(2, followers.Count);
    }

    [Fact]
    public async Task A_slow_follower_misses_batches_past_its_bound_and_holds_nobody_up()
    {
        var followers = new RelayFollowers(maxPending: 2);
        followers.Follow("slow");
        followers.Follow("fast");
        var stuck = new TaskCompletionSource<bool>();
        var fast = new List<int>();
        var slow = new List<int>();
        Task<bool> Send(string user, int batch)
        {
            if (user == "fast")
            {
                fast.Add(batch);
                return Task.FromResult(true);
            }
            slow.Add(batch);
            return stuck.Task;
        }

        for (var batch = 1; batch <= 5; batch++) followers.Relay(batch, Send);

        Assert.Equal([1, 2, 3, 4, 5], fast);
        Assert.Equal(3, followers.Skipped); // the slow one holds batches 1 and 2 under way; 3 to 5 pass it by
        stuck.SetResult(true);
        await followers.Drained();
        Assert.Equal([1, 2], slow);
        followers.Relay(6, Send);
        await followers.Drained();
        Assert.Equal([1, 2, 6], slow); // the gap 3..5 is the inbox's to see: its devices pull it
    }

    [Fact]
    public async Task A_follower_that_no_longer_follows_or_cannot_be_reached_is_dropped()
    {
        var followers = new RelayFollowers(maxPending: 10);
        followers.Follow("left");
        followers.Follow("gone");
        followers.Follow("here");
        Task<bool> Send(string user, int batch) => user switch
        {
            "left" => Task.FromResult(false),
            "gone" => throw new TimeoutException("unreachable"),
            _ => Task.FromResult(true),
        };

        followers.Relay(1, Send);
        await followers.Drained();

        Assert.False(followers.Contains("left"));
        Assert.False(followers.Contains("gone"));
        Assert.True(followers.Contains("here"));
        Assert.True(followers.Follow("left")); // following again is a new follow
        Assert.False(followers.Follow("here"));
    }

    [Fact]
    public async Task A_follow_made_again_while_an_old_hand_off_was_refused_stays()
    {
        var followers = new RelayFollowers(maxPending: 10);
        followers.Follow("bob");
        var refusal = new TaskCompletionSource<bool>();
        followers.Relay(1, (_, _) => refusal.Task);
        followers.Unfollow("bob");
        followers.Follow("bob"); // bob's inbox followed again before the old answer came

        refusal.SetResult(false);
        await Task.Yield();

        Assert.True(followers.Contains("bob"));
    }
}
