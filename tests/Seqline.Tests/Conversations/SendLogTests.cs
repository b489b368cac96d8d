using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>
/// The send log on its own, no cluster: sends queue behind an append and go out together with
/// contiguous seqs, a retry gets its original's answer, and a failed append refuses everything.
/// </summary>
public sealed class SendLogTests
{
    private const string Conversation = "c-sendlog";
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    [Fact]
    public async Task Queued_sends_go_out_in_one_batch_with_seqs_after_the_head()
    {
        var log = new SendLog(dedupeWindow: 100, maxBatch: 10);
        log.Start(head: 41);
        var sends = new[] { "a", "b", "c" }.Select(id => log.Admit(new OutgoingMessage("ann", id, id))).ToList();

        var batch = log.TakeBatch(Conversation, Now, _ => true, _ => null);
        Assert.Equal([42L, 43, 44], batch.Select(m => m.Seq));
        Assert.True(log.Appending);
        Assert.All(sends, s => Assert.False(s.IsCompleted));

        log.Appended(batch);
        Assert.Equal(44, log.Head);
        Assert.False(log.Appending);
        Assert.Equal([42L, 43, 44], (await Task.WhenAll(sends)).Select(r => r.Seq));
    }

    [Fact]
    public async Task A_batch_is_cut_at_the_largest_size_and_the_rest_follows_in_the_next()
    {
        var log = new SendLog(dedupeWindow: 100, maxBatch: 2);
        foreach (var id in new[] { "a", "b", "c" }) _ = log.Admit(new OutgoingMessage("ann", id, id));

        var first = log.TakeBatch(Conversation, Now, _ => true, _ => null);
        log.Appended(first);
        Assert.True(log.HasQueued);
        var second = log.TakeBatch(Conversation, Now, _ => true, _ => null);

        Assert.Equal([1L, 2], first.Select(m => m.Seq));
        Assert.Equal([3L], second.Select(m => m.Seq));
        log.Appended(second);
        Assert.Equal(3, (await log.Admit(new OutgoingMessage("ann", "c", "c"))).Seq);
    }

    [Fact]
    public async Task A_retry_while_the_original_is_queued_gets_the_original_seq_marked_duplicate()
    {
        var log = new SendLog(dedupeWindow: 100, maxBatch: 10);
        var original = log.Admit(new OutgoingMessage("ann", "same", "hello"));
        var retry = log.Admit(new OutgoingMessage("ann", "same", "hello"));
        var other = log.Admit(new OutgoingMessage("bob", "same", "same id, other sender"));

        var batch = log.TakeBatch(Conversation, Now, _ => true, _ => null);
        Assert.Equal(2, batch.Count);
        log.Appended(batch);

        Assert.Equal((1L, false), ((await original).Seq, (await original).Duplicate));
        Assert.Equal((1L, true), ((await retry).Seq, (await retry).Duplicate));
        Assert.Equal(2, (await other).Seq);
    }

    [Fact]
    public async Task A_send_from_a_user_removed_while_it_queued_is_refused_and_takes_no_seq()
    {
        var log = new SendLog(dedupeWindow: 100, maxBatch: 10);
        var fromCid = log.Admit(new OutgoingMessage("cid", "c1", "after removal"));
        var fromAnn = log.Admit(new OutgoingMessage("ann", "a1", "still a member"));

        var batch = log.TakeBatch(Conversation, Now, user => user != "cid", _ => null);
        log.Appended(batch);

        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<SeqlineException>(() => fromCid)).Code);
        Assert.Equal(1, (await fromAnn).Seq);
    }

    [Fact]
    public async Task A_send_whose_mentions_cannot_be_read_fails_alone_and_answers()
    {
        var log = new SendLog(dedupeWindow: 100, maxBatch: 10);
        var bad = log.Admit(new OutgoingMessage("ann", "bad", "bad"));
        var good = log.Admit(new OutgoingMessage("ann", "good", "good"));

        var batch = log.TakeBatch(Conversation, Now, _ => true,
            m => m.ClientMsgId == "bad" ? throw SeqlineException.Invalid("bad mention") : null);
        log.Appended(batch);

        Assert.Equal(ErrorCode.Invalid, (await Assert.ThrowsAsync<SeqlineException>(() => bad)).Code);
        Assert.Equal(1, (await good).Seq);
        // The failed send left nothing behind: sent again, it is new, not a duplicate of a lost one.
        var again = log.Admit(new OutgoingMessage("ann", "bad", "fixed"));
        log.Appended(log.TakeBatch(Conversation, Now, _ => true, _ => null));
        Assert.Equal((2L, false), ((await again).Seq, (await again).Duplicate));
    }

    [Fact]
    public async Task A_failed_append_refuses_the_batch_and_everything_queued_and_takes_no_more()
    {
        var log = new SendLog(dedupeWindow: 100, maxBatch: 1);
        var inBatch = log.Admit(new OutgoingMessage("ann", "a", "a"));
        var queued = log.Admit(new OutgoingMessage("ann", "b", "b"));

        log.Failed(log.TakeBatch(Conversation, Now, _ => true, _ => null));

        Assert.True(log.Broken);
        Assert.False(log.HasQueued);
        Assert.Equal(0, log.Head);
        Assert.Equal(ErrorCode.Unavailable, (await Assert.ThrowsAsync<SeqlineException>(() => inBatch)).Code);
        Assert.Equal(ErrorCode.Unavailable, (await Assert.ThrowsAsync<SeqlineException>(() => queued)).Code);
    }

    [Fact]
    public async Task Refused_queued_sends_can_be_sent_again_as_new()
    {
        var log = new SendLog(dedupeWindow: 100, maxBatch: 10);
        var first = log.Admit(new OutgoingMessage("ann", "a", "a"));
        log.RefuseQueued(new SeqlineException(ErrorCode.Unavailable, "restarting"));
        Assert.Equal(ErrorCode.Unavailable, (await Assert.ThrowsAsync<SeqlineException>(() => first)).Code);

        var again = log.Admit(new OutgoingMessage("ann", "a", "a"));
        log.Appended(log.TakeBatch(Conversation, Now, _ => true, _ => null));
        Assert.Equal((1L, false), ((await again).Seq, (await again).Duplicate));
    }
}
