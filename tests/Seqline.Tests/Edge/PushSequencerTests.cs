using Microsoft.Extensions.Time.Testing;
using Seqline.Api.Push;
using Seqline.Push;

namespace Seqline.Tests.Edge;

public sealed class PushSequencerTests
{
    private readonly List<string> _sent = [];
    private readonly FakeTimeProvider _clock = new();

    private PushSequencer Sequencer() => new(p =>
    {
        lock (_sent) _sent.Add(p.Cursor);
        return Task.CompletedTask;
    }, TimeSpan.FromMilliseconds(250), _clock);

    private static InboxPush Push(string user, int from, int to) => new(user, [], $"c{from}", $"c{to}");

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
    public async Task A_push_whose_predecessor_never_comes_goes_out_after_the_wait()
    {
        var sequencer = Sequencer();
        await sequencer.Accept(Push("bob", 0, 1));
        await sequencer.Accept(Push("alice", 7, 8));
        await sequencer.Accept(Push("bob", 5, 6));
        Assert.Equal(["c1", "c8"], _sent);

        _clock.Advance(TimeSpan.FromMilliseconds(300));
        await Eventually(() => _sent.Count == 3);
        Assert.Equal(["c1", "c8", "c6"], _sent);

        await sequencer.Accept(Push("bob", 6, 7));
        Assert.Equal("c7", _sent[^1]);
    }

    private async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(10);
    }
}
