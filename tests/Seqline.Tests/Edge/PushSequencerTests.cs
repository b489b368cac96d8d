using Microsoft.Extensions.Time.Testing;
using Seqline.Api.Push;
using Seqline.Push;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Edge;

public sealed class PushSequencerTests
{
    private readonly List<string> _sent = [];
    private readonly List<string> _dropped = [];
    private readonly FakeTimeProvider _clock = new();

    private PushSequencer Sequencer() => new(p =>
    {
        lock (_sent) _sent.Add(p.Cursor);
        return Task.CompletedTask;
    }, TimeSpan.FromMilliseconds(250), _clock, (p, _) => { lock (_dropped) _dropped.Add(p.Cursor); });

    private static InboxPush Push(string user, int from, int to) => new(user, [], $"c{from}", $"c{to}", new PushOrder(1, to, 0));

    [Fact]
    public async Task Pushes_that_overtake_each_other_go_out_in_cursor_order()
    {
        var sequencer = Sequencer();
        await sequencer.Accept(Push("bob", 0, 1));
        await sequencer.Accept(Push("bob", 2, 3));
        await sequencer.Accept(Push("bob", 3, 4));
        Assert.Equal(["c1"], _sent);

        await sequencer.Accept(Push("bob", 1, 2));
        Assert.Equal(["c1", "c2", "c3", "c4"], _sent);
    }

    [Fact]
    public async Task After_subscribing_the_first_push_to_arrive_waits_for_the_one_it_overtook()
    {
        var sequencer = Sequencer();
        sequencer.Expect("bob", "c0");
        await sequencer.Accept(Push("bob", 1, 2));
        Assert.Empty(_sent);

        await sequencer.Accept(Push("bob", 0, 1));
        Assert.Equal(["c1", "c2"], _sent);
        Assert.Empty(_dropped);
    }

    [Fact]
    public async Task A_push_that_arrived_before_the_subscription_answered_keeps_its_place()
    {
        var sequencer = Sequencer();
        await sequencer.Accept(Push("bob", 0, 1));
        sequencer.Expect("bob", "c0");
        await sequencer.Accept(Push("bob", 1, 2));

        Assert.Equal(["c1", "c2"], _sent);
        Assert.Empty(_dropped);
    }

    [Fact]
    public async Task A_user_whose_connections_do_not_keep_up_gets_a_skip_notice_instead_of_an_ever_longer_queue()
    {
        var connection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        List<string> given = [];
        var sequencer = new PushSequencer(async p =>
        {
            lock (_sent) _sent.Add(p.PrevCursor == p.Cursor ? $"skip at {p.Cursor}" : p.Cursor);
            await connection.Task;
        }, TimeSpan.FromMilliseconds(250), _clock, (p, reason) =>
        {
            lock (_dropped) (reason == PushSequencer.Overflow ? given : _dropped).Add(p.Cursor);
        }, maxQueued: 3);

        // c1 is being sent and the connection does not take it; c2..c5 queue behind it, one more than allowed.
        var pending = Enumerable.Range(0, 5).Select(i => sequencer.Accept(Push("bob", i, i + 1))).ToList();
        Assert.Equal(["c2", "c3", "c4", "c5"], given);

        connection.SetResult();
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["c1", "skip at c5"], _sent);
        Assert.Empty(_dropped);

        // In step again at the newest cursor: the next push goes out at once.
        await sequencer.Accept(Push("bob", 5, 6));
        Assert.Equal("c6", _sent[^1]);
    }

    [Fact]
    public async Task A_push_whose_predecessor_never_comes_goes_out_after_the_wait()
    {
        var sequencer = Sequencer();
        await sequencer.Accept(Push("bob", 0, 1));
        await sequencer.Accept(Push("alice", 7, 8));
        await sequencer.Accept(Push("bob", 5, 6));
        Assert.Equal(["c1", "c8"], _sent);

        _clock.Advance(TimeSpan.FromMilliseconds(300));
        await Eventually.True(() => _sent.Count == 3, TimeSpan.FromSeconds(30), "3 pushes to go out");
        Assert.Equal(["c1", "c8", "c6"], _sent);

        await sequencer.Accept(Push("bob", 6, 7));
        Assert.Equal("c7", _sent[^1]);
    }

    [Fact]
    public async Task Pushes_released_after_the_wait_go_out_in_their_order_and_the_node_stands_at_the_newest()
    {
        var sequencer = Sequencer();
        await sequencer.Accept(Push("bob", 0, 1));
        // 1→2 and 3→4 are lost on the way; 4→5 arrives before 2→3.
        await sequencer.Accept(Push("bob", 4, 5));
        await sequencer.Accept(Push("bob", 2, 3));
        Assert.Equal(["c1"], _sent);

        _clock.Advance(TimeSpan.FromMilliseconds(300));
        await Eventually.True(() => _sent.Count == 3, TimeSpan.FromSeconds(30), "3 pushes to go out");
        Assert.Equal(["c1", "c3", "c5"], _sent);

        // In step again: the next push goes out at once, without waiting.
        await sequencer.Accept(Push("bob", 5, 6));
        Assert.Equal(["c1", "c3", "c5", "c6"], _sent);
    }

    [Fact]
    public async Task After_an_overload_a_late_or_repeated_push_does_not_set_the_node_back()
    {
        var sequencer = Sequencer();
        await sequencer.Accept(Push("bob", 0, 1));
        // Overload: 1→2 is late, so 2→3 waits, then goes out without it.
        await sequencer.Accept(Push("bob", 2, 3));
        _clock.Advance(TimeSpan.FromMilliseconds(300));
        await Eventually.True(() => _sent.Count == 2, TimeSpan.FromSeconds(30), "2 pushes to go out");

        // The late push, and a second copy of one already sent, come after all.
        await sequencer.Accept(Push("bob", 1, 2));
        await sequencer.Accept(Push("bob", 2, 3));
        Assert.Equal(["c2", "c3"], _dropped);

        // Every later push goes straight out: none waits for the reorder window.
        for (var i = 3; i < 13; i++)
        {
            await sequencer.Accept(Push("bob", i, i + 1));
            Assert.Equal($"c{i + 1}", _sent[^1]);
        }
        Assert.Equal(["c1", "c3", .. Enumerable.Range(4, 10).Select(i => $"c{i}")], _sent);
    }

    // What an inbox pushes when it skipped something (a lost stream item): no events, at its head.
    private static InboxPush Skip(string user, int head) => new(user, [], $"c{head}", $"c{head}", new PushOrder(1, head, 0));

    [Fact]
    public async Task After_the_inbox_skips_ahead_its_notice_and_the_pushes_after_it_go_out_without_waiting()
    {
        var sequencer = Sequencer();
        await sequencer.Accept(Push("bob", 0, 1));
        // Overload lost what lay between 1 and 5: the inbox tells devices its head is at 5, then goes on from there.
        await sequencer.Accept(Skip("bob", 5));
        await sequencer.Accept(Push("bob", 5, 6));
        await sequencer.Accept(Push("bob", 6, 7));

        // No clock moved: nothing waited for a push ending at 5, which no push ever does.
        Assert.Equal(["c1", "c5", "c6", "c7"], _sent);
    }

    [Fact]
    public async Task A_skip_notice_drops_the_pushes_it_passes_whether_they_wait_or_come_late()
    {
        var sequencer = Sequencer();
        await sequencer.Accept(Push("bob", 0, 1));
        await sequencer.Accept(Push("bob", 2, 3)); // waits for 1→2
        await sequencer.Accept(Push("bob", 6, 7)); // overtook the notice: waits for it

        await sequencer.Accept(Skip("bob", 6));
        // Devices pull to the head at 6, which holds what 2→3 carried; 6→7 follows the notice.
        Assert.Equal(["c1", "c6", "c7"], _sent);
        Assert.Equal(["c3"], _dropped);

        await sequencer.Accept(Push("bob", 1, 2)); // late, and passed by the notice
        await sequencer.Accept(Skip("bob", 4));    // an older notice, late
        Assert.Equal(["c3", "c2", "c4"], _dropped);

        // Nothing is left waiting: the wait running out sends nothing more.
        _clock.Advance(TimeSpan.FromMilliseconds(300));
        await sequencer.Accept(Push("bob", 7, 8));
        Assert.Equal(["c1", "c6", "c7", "c8"], _sent);
    }

    [Fact]
    public async Task A_push_of_a_new_epoch_starts_the_user_over()
    {
        var sequencer = Sequencer();
        await sequencer.Accept(Push("bob", 0, 9));
        await sequencer.Accept(new InboxPush("bob", [], "d0", "d1", new PushOrder(2, 1, 0)));
        Assert.Equal(["c9", "d1"], _sent);
    }

    [Fact]
    public async Task A_push_for_a_user_the_node_no_longer_serves_starts_no_order_and_the_next_connect_takes_the_head()
    {
        var serving = new HashSet<string> { "bob" };
        List<string> absent = [];
        var sequencer = new PushSequencer(p =>
        {
            lock (_sent) _sent.Add(p.Cursor);
            return Task.CompletedTask;
        }, TimeSpan.FromMinutes(10), _clock, (p, reason) =>
        {
            if (reason == PushSequencer.NoDevice) absent.Add(p.Cursor);
        }, listening: serving.Contains);
        await sequencer.Accept(Push("bob", 0, 1));

        // Bob's last device leaves; a push the inbox sent before it heard of that comes after Forget.
        serving.Remove("bob");
        sequencer.Forget("bob");
        await sequencer.Accept(Push("bob", 1, 2));
        Assert.Equal(["c2"], absent);

        // He connects again at the inbox's head, c5: the next push follows it and goes out at once,
        // with no wait (the clock never moves) for a push ending at c2's successor.
        serving.Add("bob");
        sequencer.Expect("bob", "c5");
        await sequencer.Accept(Push("bob", 5, 6));
        Assert.Equal(["c1", "c6"], _sent);
    }
}
