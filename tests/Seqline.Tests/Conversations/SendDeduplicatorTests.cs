using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>
/// An activation rebuilds its dedupe window from the tail of the timeline, newest page first:
/// whatever order the receipts come in, the window keeps the newest of them.
/// </summary>
public sealed class SendDeduplicatorTests
{
    private const string Conversation = "c-dedupe";

    [Fact]
    public void Pages_remembered_newest_first_leave_the_newest_receipts_in_the_window()
    {
        var receipts = new SendDeduplicator(window: 3);
        foreach (var page in new[] { new[] { 7L, 8, 9 }, [4, 5, 6], [1, 2, 3] })
            foreach (var seq in page) receipts.Remember("alice", $"m{seq}", Receipt(seq));

        Assert.Equal([7L, 8, 9], Kept(receipts, 1, 9));

        // A newer send pushes out the oldest kept, not the one remembered first.
        receipts.Remember("alice", "m10", Receipt(10));
        Assert.Equal([8L, 9, 10], Kept(receipts, 1, 10));
    }

    [Fact]
    public async Task A_send_log_rebuilt_from_a_timeline_longer_than_its_window_recognises_every_retry_in_the_window()
    {
        var log = new SendLog(dedupeWindow: 1200, maxBatch: 500);
        log.Start(head: 1300);
        // As an activation reads it back: pages of up to 1,000, the newest first, each in seq order.
        foreach (var (from, through) in new[] { (301L, 1300L), (101L, 300L) })
            for (var seq = from; seq <= through; seq++) log.RememberStored(Message(seq));

        // A new message after the rebuild pushes out the oldest receipt, 101.
        _ = log.Admit(new OutgoingMessage("bob", "new", "new"));
        log.Appended(log.TakeBatch(Conversation, DateTimeOffset.UnixEpoch, _ => true, _ => null));
        Assert.Equal(1301, log.Head);

        foreach (var seq in new[] { 102L, 300, 301, 1300 })
        {
            var retry = log.Admit(new OutgoingMessage("alice", $"m{seq}", "again"));
            Assert.True(retry.IsCompletedSuccessfully, $"the retry of {seq} is answered from the window");
            var receipt = await retry;
            Assert.Equal((seq, true), (receipt.Seq, receipt.Duplicate));
        }
        Assert.False(log.HasQueued);
        _ = log.Admit(new OutgoingMessage("alice", "m101", "again"));
        Assert.True(log.HasQueued, "101 fell out of the window: its retry is taken as a new send");
    }

    private static List<long> Kept(SendDeduplicator receipts, long from, long through) =>
        Enumerable.Range((int)from, (int)(through - from + 1))
            .Where(seq => receipts.TryGet("alice", $"m{seq}", out var receipt) && receipt.Seq == seq)
            .Select(seq => (long)seq)
            .ToList();

    private static SendReceipt Receipt(long seq) => new(Conversation, seq, DateTimeOffset.UnixEpoch.AddSeconds(seq), Duplicate: false);

    private static ChatMessage Message(long seq) =>
        new(Conversation, seq, "alice", $"m{seq}", DateTimeOffset.UnixEpoch.AddSeconds(seq), $"message {seq}");
}
