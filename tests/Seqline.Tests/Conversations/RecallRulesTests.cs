using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>Who may recall which message, on its own, no cluster.</summary>
public sealed class RecallRulesTests
{
    private static readonly DateTimeOffset SentAt = DateTimeOffset.UnixEpoch;
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);
    private static readonly ChatMessage Message = new("c-recall", 7, "ann", "m7", SentAt, "oops", Mentions: ["bob"]);

    [Fact]
    public void The_sender_recalls_within_the_window_and_gets_a_tombstone_at_the_same_seq_and_time()
    {
        var tombstone = RecallRules.Recall(Message, "ann", SentAt + Window, Window);
        Assert.Equal(Message with { Body = "", Recalled = true }, tombstone);
    }

    [Fact]
    public void Nobody_else_recalls_and_nobody_after_the_window()
    {
        Assert.Equal(ErrorCode.Forbidden, Assert.Throws<SeqlineException>(() => RecallRules.Recall(Message, "bob", SentAt, Window)).Code);
        Assert.Equal(ErrorCode.Forbidden, Assert.Throws<SeqlineException>(() =>
            RecallRules.Recall(Message, "ann", SentAt + Window + TimeSpan.FromMilliseconds(1), Window)).Code);
    }

    [Fact]
    public void A_tombstone_is_recalled_again_at_any_time_so_a_retry_makes_sure_the_recall_goes_out()
    {
        var tombstone = RecallRules.Tombstone(Message);
        Assert.Equal(tombstone, RecallRules.Recall(tombstone, "ann", SentAt + 10 * Window, Window));
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(10, true)]
    [InlineData(11, false)]
    public void Only_a_seq_between_the_trim_mark_and_the_head_is_held(long seq, bool held)
    {
        var check = () => RecallRules.RequireHeld("c-recall", seq, trimmedThrough: 3, head: 10);
        if (held) check();
        else Assert.Equal(ErrorCode.NotFound, Assert.Throws<SeqlineException>(check).Code);
    }
}
